#!/usr/bin/env bash
# Every test the project has, in the order that fails fastest: types, unit tests, Python suites,
# then the Terraform checks that need the built tools (validate, checkov, the emulator end-to-end run)
# and the proof that every Python set-up installs on every supported interpreter here.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
start=$SECONDS
pnpm typecheck
pnpm test:jest
pnpm test:python
pnpm validate
pnpm checkov
pnpm test:e2e
pnpm test:interpreters
echo "all tests passed in $((SECONDS - start)) s"
