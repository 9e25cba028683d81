#!/usr/bin/env bash
# Every test the project has, in the order that fails fastest: types, unit tests, Python suites,
# then the Terraform checks that need the built tools.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1
pnpm typecheck
pnpm test:jest
pnpm test:python
