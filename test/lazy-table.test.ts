// The generated instrumentation table must describe the installed packages:
// an upgrade of auto-instrumentations-node (a new instrumentation, a renamed
// class, a new target module) fails here until the table is regenerated.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INSTRUMENTATION_TABLE } from "../src/preload/lazy/instrumentation-table.js";
import { KNOWN_INSTRUMENTATIONS } from "../src/preload/instrumentation-names.js";
// @ts-expect-error -- a plain .mjs build script, no type declarations
import { computeTable, renderTable, TABLE_FILE } from "../scripts/generate-instrumentation-table.mjs";

describe("instrumentation table", () => {
  it("matches what the installed instrumentations report (rerun scripts/generate-instrumentation-table.mjs if not)", () => {
    expect(readFileSync(TABLE_FILE, "utf8")).toBe(renderTable(computeTable()));
  });

  it("lists every instrumentation the preload knows, once", () => {
    expect(INSTRUMENTATION_TABLE.map((spec) => spec.name).sort()).toEqual([...KNOWN_INSTRUMENTATIONS].sort());
  });

  it("waits for the modules each one patches (core modules included), and builds at start only those that patch none", () => {
    const byName = Object.fromEntries(INSTRUMENTATION_TABLE.map((spec) => [spec.name, spec]));
    expect(byName.express!.targets).toEqual(["express"]);
    expect(byName.pg!.targets).toEqual(["pg", "pg-pool"]);
    expect(byName.http!.targets).toEqual(["http", "https"]);
    expect(byName.redis!.targets).toContain("@redis/client");
    // @fastify/otel patches nothing; it waits for Fastify's first load all the same.
    expect(byName.fastify).toEqual({ name: "fastify", packageName: "@fastify/otel", exportName: "FastifyOtelInstrumentation", targets: ["fastify"] });
    const atStart = INSTRUMENTATION_TABLE.filter((spec) => spec.targets.length === 0).map((spec) => spec.name);
    expect(atStart.sort()).toEqual(["aws-lambda", "host-metrics", "runtime-node", "undici"]);
  });
});
