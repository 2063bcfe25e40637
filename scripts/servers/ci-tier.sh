#!/usr/bin/env bash
# The server tier, as CI runs it (a stage of .ci/run): the real clients
# against real servers from Debian's packages (test-servers/, run by
# `npm run test:servers`). Installs what is missing, once: one
# `apt-get update` and one `apt-get install` (CI runs as root), without
# starting the packages' own services (the tests start their own servers, on
# ports the OS picks, and stop them). When everything is installed already it
# installs nothing. Prints how long the install and the tests took.
#
# Ends with the one closing line `N passed, M failed` (scripts/ci/run-stages.sh
# adds it up); a server that is missing and cannot be installed is a failure,
# with a line saying what to install, never a skip.
#
#   bash scripts/servers/ci-tier.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/vitest-counts.sh
export OTEL_NODE_RESOURCE_DETECTORS="env,host,os,process,serviceinstance,container"
# The tier may take this long; a process that keeps vitest from exiting must not eat CI's budget.
TIER_TIMEOUT_SECONDS=${TIER_TIMEOUT_SECONDS:-900}

PACKAGES=(redis-server mariadb-server postgresql memcached rabbitmq-server)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "server tier: ${missing[*]} not installed and this is not root: run \`sudo apt-get install -y ${missing[*]}\`, then this again."
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "=== installing ${missing[*]} (Debian packages) ==="
  started=$(date +%s)
  # Keep the packages from starting their services while they install (Debian's
  # policy-rc.d convention); the tests start their own servers.
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /tmp/axonpush-server-tier-apt.log 2>&1
  status=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  if [ "$status" -ne 0 ]; then
    tail -n 20 /tmp/axonpush-server-tier-apt.log
    echo "server tier: apt-get install ${missing[*]} failed (exit ${status}); install them by hand: apt-get install -y ${missing[*]}"
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "installed in $(($(date +%s) - started)) s"
else
  echo "=== servers already installed: ${PACKAGES[*]} ==="
fi

echo "=== npm run test:servers ==="
started=$(date +%s)
log=$(mktemp)
NO_COLOR=1 timeout --kill-after=15 "$TIER_TIMEOUT_SECONDS" npm run test:servers 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "server tier took $(($(date +%s) - started)) s (build included)"

read -r passed failed < <(vitest_counts "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "server tier: npm run test:servers exited ${status}$([ "$status" -eq 124 ] && echo ", timed out after ${TIER_TIMEOUT_SECONDS}s") without a count of failures"
  failed=1
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
