#!/usr/bin/env bash
# CI stage: Fastify's own test suite (the version in package-lock.json, from
# npm, with its devDependencies) run bare and under
# `--import axonpush-otel/register`; fails when any test's outcome differs.
# Expects a built dist/ (npm run build). Ends with `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
exec node scripts/library-suites/run-suite.mjs fastify
