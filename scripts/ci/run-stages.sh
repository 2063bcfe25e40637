#!/usr/bin/env bash
# Runs CI's stages one after another and adds up their results. Each stage is
# one shell command whose output ends with a line `N passed, M failed`
# (scripts/node-lines/run-suite.sh, and each test tier's own script). A stage
# that exits non-zero without saying how many failed counts as one failure,
# never as nothing.
#
# Prints every stage's output as it runs, then a summary, and ends with the
# one closing line `N passed, M failed` for the whole run; exits non-zero if
# anything failed.
#
#   bash scripts/ci/run-stages.sh "bash scripts/node-lines/run-suite.sh" "bash scripts/servers/ci-tier.sh"
set -uo pipefail

total_passed=0
total_failed=0
summary=()
for stage in "$@"; do
  echo "=== stage: ${stage} ==="
  log=$(mktemp)
  bash -c "$stage" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  last=$(sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  rm -f "$log"
  passed=$(echo "$last" | grep -oE '^[0-9]+' || true)
  failed=$(echo "$last" | grep -oE '[0-9]+ failed' | grep -oE '^[0-9]+' || true)
  passed=${passed:-0}
  failed=${failed:-0}
  note=""
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
    note=" (exited ${status} without a count of failures)"
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  summary+=("${stage}: ${passed} passed, ${failed} failed${note}")
done

echo
echo "=== CI stages ==="
printf '%s\n' "${summary[@]}"
echo "${total_passed} passed, ${total_failed} failed"
[ "$total_failed" -eq 0 ]
