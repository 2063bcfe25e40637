// End to end, in real processes under --import and --require, on both
// transports: what the receiver gets from an app whose URLs carry secrets,
// and from an app that fakes Date at the epoch around span starts.
import { describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../src/receiver/index.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS } from "./helpers/transports.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

const CASES = (["--import", "--require"] as const).flatMap((flag) =>
  TRANSPORTS.map((transport) => ({ flag, transport, label: `${flag} axonpush-otel/register, ${transport.name}` })),
);

const SECRETS = { reset: "reset-SECRET-1f9c", callback: "callback-SECRET-7d2e", invite: "invite-SECRET-40ab" };

const MAX_UNIX_NANOS = 2n ** 63n - 1n;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const timesOf = (span: ReceivedSpan) => [span.startTimeUnixNano, span.endTimeUnixNano, ...span.events.map((e: any) => e.timeUnixNano)];

describe.each(CASES)("$label", ({ flag, transport }) => {
  it("sends URLs with credential-like query values as REDACTED, names and the rest kept", async () => {
    const app = await runFixture({
      script: "fixtures/privacy/secrets-app.cjs",
      nodeArgs: [flag, "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, { AXONPUSH_REDACT_KEYS: "invite", ...transport.env }),
    });
    const query = `token=${SECRETS.reset}&next_secret=${SECRETS.callback}&invite=${SECRETS.invite}&user=ada`;
    const answer = await (await fetch(`http://127.0.0.1:${app.port}/reset?${query}`)).text();
    // The app itself still sees its real query.
    expect(answer).toBe(`reset: called back with ${SECRETS.callback}`);

    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/reset", 3);
    expectWholeTree(trace);
    expect(new Set(trace.map((s) => s.via))).toEqual(new Set([transport.via]));
    const everythingReceived = JSON.stringify(receiver.events);
    for (const secret of Object.values(SECRETS)) expect(everythingReceived).not.toContain(secret);

    const reset = trace.find((s) => s.kind === "SERVER" && s.attributes["url.path"] === "/reset")!;
    const callback = trace.find((s) => s.kind === "SERVER" && s.attributes["url.path"] === "/cb")!;
    const fetchSpan = trace.find((s) => s.kind === "CLIENT")!;
    expect(reset.attributes["url.query"]).toBe("token=REDACTED&next_secret=REDACTED&invite=REDACTED&user=ada");
    expect(callback.attributes["url.query"]).toBe("access_token=REDACTED&state=keep-me&page=2");
    expect(fetchSpan.attributes["url.full"]).toBe(`http://127.0.0.1:${app.port}/cb?access_token=REDACTED&state=keep-me&page=2`);
    expect(fetchSpan.attributes["url.query"]).toBe("?access_token=REDACTED&state=keep-me&page=2");

    expect(receiver.rejections).toEqual([]);
    expect(app.stderr()).toBe("");
  });

  it("delivers spans started under a Date faked at the epoch, with times the API takes, and says nothing", async () => {
    const app = await runFixture({
      script: "fixtures/privacy/odd-clock-app.cjs",
      nodeArgs: [flag, "axonpush-otel/register"],
      env: axonpushEnv(receiver.url, { ...transport.env }),
    });
    const startedAt = BigInt(Date.now()) * 1_000_000n;
    expect(await (await fetch(`http://127.0.0.1:${app.port}/fake-clock`)).text()).toBe("clock restored");

    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/fake-clock", 4);
    expectWholeTree(trace);
    expect(trace).toHaveLength(4);
    expect(receiver.rejections).toEqual([]);
    for (const span of trace) {
      const times = timesOf(span);
      for (const time of times) {
        expect(time, span.name).toMatch(DECIMAL);
        expect(BigInt(time), span.name).toBeLessThanOrEqual(MAX_UNIX_NANOS);
      }
      const [start, end, ...events] = times.map((t) => BigInt(t));
      expect(end! >= start!, `${span.name} ends after it starts`).toBe(true);
      for (const at of events) expect(at >= start! && at <= end!, `${span.name}: events inside the span`).toBe(true);
    }

    // Started under the real clock: sent as it was.
    const root = trace.find((s) => s.attributes["url.path"] === "/fake-clock")!;
    expect(BigInt(root.startTimeUnixNano)).toBeGreaterThan(startedAt - 60_000_000_000n);
    // Started under the faked one: at the epoch, as the app's clock said, with their measured durations (not decades).
    const faked = trace.filter((s) => s !== root);
    expect(faked.map((s) => s.name).sort()).toEqual(["GET", "GET", "under-a-faked-clock"]);
    for (const span of faked) {
      expect(span.startTimeUnixNano, span.name).toBe("0");
      expect(BigInt(span.endTimeUnixNano), span.name).toBeLessThan(60_000_000_000n);
    }
    expect(faked.find((s) => s.name === "under-a-faked-clock")!.events).toHaveLength(2);

    // No refusal, so no warning: the app's stderr stays its own.
    expect(app.stderr()).toBe("");
  });
});
