import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn real Node processes; two cores do not like many at once.
    maxWorkers: 2,
    env: {
      // Never let a cloud resource detector reach for a metadata address.
      OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process,serviceinstance,container",
    },
  },
});
