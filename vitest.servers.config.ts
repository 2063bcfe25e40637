// The server tier (npm run test:servers): the real clients against real
// servers from Debian's packages, one server per test file, started and
// stopped by the tests (test-servers/helpers). Needs the servers installed:
// scripts/servers/ci-tier.sh installs them and runs this.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test-servers/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file runs a server and spawns Node processes; two cores.
    maxWorkers: 2,
    // Child processes: a server started by a test file dies with its process (server-process.ts).
    pool: "forks",
    env: {
      // Never let a cloud resource detector reach for a metadata address.
      OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process,serviceinstance,container",
    },
  },
});
