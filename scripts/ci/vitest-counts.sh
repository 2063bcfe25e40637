# Sourced by the CI scripts that run vitest (scripts/node-lines/run-suite.sh,
# scripts/servers/ci-tier.sh): reads vitest's summary line from a log, e.g.
# "Tests  57 passed | 2 failed (59)", and prints "<passed> <failed>" (0 for
# either that is missing).
#
#   read -r passed failed < <(vitest_counts "$log")
vitest_counts() {
  local tests passed failed
  tests=$(sed -e 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^\s*Tests\s' | tail -n 1)
  passed=$(echo "$tests" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
  failed=$(echo "$tests" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || true)
  echo "${passed:-0} ${failed:-0}"
}
