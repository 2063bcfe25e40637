#!/usr/bin/env bash
# Runs the whole vitest suite once per Node line: the machine's own Node, then
# each version pinned in .ci/node-lines (or the versions given as arguments),
# each binary fetched from the npm registry by fetch-node.mjs and kept in its
# cache. Expects a built dist/ (npm run build). Vitest runs under that line's
# binary, and so does every child process the tests spawn (they spawn
# process.execPath; the binary's directory also leads PATH for anything that
# looks for `node`).
#
# Ends with the one closing line `N passed, M failed`, the sum over every
# line; exits non-zero if anything failed, a binary could not be fetched, or
# a run ended without vitest's summary.
#
#   bash scripts/node-lines/run-suite.sh              machine's Node + .ci/node-lines
#   bash scripts/node-lines/run-suite.sh 26.12.1      only that version
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/vitest-counts.sh
export OTEL_NODE_RESOURCE_DETECTORS="env,host,os,process,serviceinstance,container"
# One line may take this long: a run takes ~1.5 min on a quiet 2-core machine, several times that on a
# busy one; a process that keeps vitest from exiting must not eat the whole CI budget.
LINE_TIMEOUT_SECONDS=${LINE_TIMEOUT_SECONDS:-720}

if [ "$#" -gt 0 ]; then
  lines=("$@")
else
  lines=("current")
  while read -r version; do lines+=("$version"); done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' .ci/node-lines | grep -v '^$')
fi

total_passed=0
total_failed=0
summary=()
for line in "${lines[@]}"; do
  if [ "$line" = "current" ]; then
    node_bin=$(command -v node)
  elif ! node_bin=$(node scripts/node-lines/fetch-node.mjs "$line"); then
    # A Node we could not fetch is a failure of the run, never a line quietly left out.
    total_failed=$((total_failed + 1))
    summary+=("Node ${line}: could not be fetched (counted as 1 failed)")
    continue
  fi
  version=$("$node_bin" --version)
  echo "=== Node ${version} (${node_bin}) ==="
  log=$(mktemp)
  PATH="$(dirname "$node_bin"):$PATH" NO_COLOR=1 timeout --kill-after=15 "$LINE_TIMEOUT_SECONDS" \
    "$node_bin" node_modules/vitest/vitest.mjs run 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  read -r passed failed < <(vitest_counts "$log")
  rm -f "$log"
  note=""
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
    note=" (vitest exited ${status}$([ "$status" -eq 124 ] && echo ", timed out after ${LINE_TIMEOUT_SECONDS}s"))"
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  summary+=("Node ${version}: ${passed} passed | ${failed} failed${note}")
done

echo
printf '%s\n' "${summary[@]}"
echo "${total_passed} passed, ${total_failed} failed"
[ "$total_failed" -eq 0 ]
