// End to end, what a new user sees with only the API key set, on the current
// API (go: the key implies the organisation, its default channel takes the
// spans) and on the first backend (nest: tenant and channel required, and one
// stderr line says which variable to set).
import { describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS } from "./helpers/transports.js";

const PRELOAD = ["--import", "axonpush-otel/register"];
const go = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });
const nest = useSuiteReceiver({ api: "nest", apiKey: TEST_API_KEY, tenantId: TEST_TENANT });

/** Only the key (and where the receiver is): no tenant, no channel. */
const keyOnly = (url: string, extra: Record<string, string> = {}) => ({
  AXONPUSH_API_KEY: TEST_API_KEY,
  AXONPUSH_BASE_URL: url,
  OTEL_BSP_SCHEDULE_DELAY: "50",
  ...extra,
});

describe.each(TRANSPORTS)("the key alone ($name transport)", (transport) => {
  it("is enough on go: the whole trace arrives, without x-tenant-id or a channel, nothing printed", async () => {
    const app = await runFixture({ script: "fixtures/express-esm/app.mjs", nodeArgs: PRELOAD, env: keyOnly(go.url, transport.env) });
    expect(await (await fetch(`http://127.0.0.1:${app.port}/chain`)).json()).toEqual({ rows: 3 });
    expectWholeTree(await waitForTrace(go, (s) => s.kind === "SERVER" && s.name === "GET /chain", 6));
    expect(go.rejections).toEqual([]);
    for (const request of go.events) {
      expect(request.headers).not.toHaveProperty("x-tenant-id");
      expect(request.headers).not.toHaveProperty("x-axonpush-channel");
      expect(request.headers["x-axonpush-api-key"]).toBe(TEST_API_KEY);
      if (transport.name === "events") expect(request.body).not.toHaveProperty("channel_id");
    }
    await app.kill();
    expect(app.stderr()).toBe("");
  });
});

describe("the key alone on nest", () => {
  it("is not enough: one stderr line says to set AXONPUSH_TENANT_ID; the app runs on", async () => {
    const app = await runFixture({ script: "fixtures/express-esm/app.mjs", nodeArgs: PRELOAD, env: keyOnly(nest.url) });
    for (let i = 0; i < 3; i++) expect(await (await fetch(`http://127.0.0.1:${app.port}/chain`)).json()).toEqual({ rows: 3 });
    await expect.poll(() => app.stderr(), { timeout: 10_000 }).toContain("AXONPUSH_TENANT_ID");
    // Give the later refusals time to arrive: they must not add lines.
    await expect.poll(() => nest.rejections.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
    // Node follows a process's first warning with its own "(Use `node --trace-warnings ...`" hint.
    const lines = app.stderr().split("\n").filter((line) => line && !line.startsWith("(Use `node --trace-warnings"));
    expect(lines).toEqual([expect.stringContaining("Set AXONPUSH_TENANT_ID")]);
    expect(app.stderr()).not.toContain(TEST_API_KEY);
    expect(nest.events).toHaveLength(0);
  });
});
