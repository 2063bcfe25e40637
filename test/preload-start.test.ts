// `start()` from code, in this test process: options override the
// environment, a second start hands out the running one, shutdown() undoes
// what start did, and a disabled or unconfigured start is a harmless no-op.
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";
import { start } from "../src/start.js";
import { getState } from "../src/preload/state.js";
import { LOCAL_DETECTORS } from "./helpers/fixture-process.js";

let receiver: LocalReceiver;
beforeAll(async () => {
  receiver = await startLocalReceiver({ apiKey: "code-key", tenantId: "code-tenant" });
});
afterAll(async () => {
  await receiver.close();
});

// No http/undici instrumentation in-process: the receiver lives in this
// process too, and its own SERVER spans would be traced.
const quietEnv = { OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS, OTEL_NODE_ENABLED_INSTRUMENTATIONS: "pino" };

describe("start()", () => {
  it("does nothing when disabled or unconfigured, and never throws", async () => {
    const disabled = start({ env: { ...quietEnv, AXONPUSH_DISABLED: "true" }, apiKey: "k", tenantId: "t", channelId: "c" });
    expect(getState()).toBeUndefined();
    await expect(disabled.forceFlush()).resolves.toBeUndefined();
    await expect(disabled.shutdown()).resolves.toBeUndefined();
  });

  it("traces with options over the environment; a second start shares it; shutdown undoes it", async () => {
    const listenersBefore = process.listenerCount("beforeExit");
    const handle = start({
      env: { ...quietEnv, AXONPUSH_API_KEY: "env-key-loses", AXONPUSH_SERVICE_NAME: "env-name-loses", AXONPUSH_TENANT_ID: "code-tenant" },
      apiKey: "code-key",
      channelId: "ch_code",
      serviceName: "from-code",
      environment: "test",
      baseUrl: receiver.url,
    });
    const state = getState();
    expect(state).toMatchObject({ startedBy: "start", config: { serviceName: "from-code", channelId: "ch_code" } });
    expect(state!.exporter).toBeDefined();
    expect(process.listenerCount("beforeExit")).toBeGreaterThan(listenersBefore);

    const again = start({ apiKey: "other" });
    expect(getState()).toBe(state);

    trace.getTracer("unit").startSpan("made-in-code").end();
    await again.forceFlush();
    const [span] = await receiver.waitForSpans(1, 5_000);
    expect(span).toMatchObject({ name: "made-in-code", resource: { "service.name": "from-code", "deployment.environment": "test" } });
    expect(receiver.events[0]!.body.channel_id).toBe("ch_code");

    await handle.shutdown();
    expect(getState()).toBeUndefined();
    expect(process.listenerCount("beforeExit")).toBe(listenersBefore);
    await expect(handle.shutdown()).resolves.toBeUndefined();
  });
});
