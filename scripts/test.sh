#!/usr/bin/env bash
# Every test the project has, in the order that fails fastest: types, lint, unit tests, Python suites, the
# packages installed into a project outside the workspace (test:consumer), then the Terraform checks that
# need the built tools (validate, checkov, the emulator end-to-end run) and the proof that every Python
# set-up installs on every supported interpreter here.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
start=$SECONDS
pnpm typecheck
pnpm lint
pnpm test:jest
pnpm test:python
pnpm test:consumer
pnpm validate
# validate has just synthesized every stack and the bootstrap app from this tree; checkov scans those.
SKIP_SYNTH=1 pnpm checkov
pnpm test:e2e
pnpm test:interpreters
echo "all tests passed in $((SECONDS - start)) s"
