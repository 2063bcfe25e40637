import { describe, expect, it } from "vitest";
import { CircuitBreakerTransport } from "../src/transport/circuit-breaker.js";
import type { OutgoingRequest, SendResult, Transport } from "../src/transport/types.js";

const request: OutgoingRequest = { path: "/event", contentType: "application/json", body: "{}", idempotencyKey: "k", spanCount: 1 };
const unreachable: SendResult = { kind: "retryable", message: "connect ECONNREFUSED" };
const serverError: SendResult = { kind: "retryable", status: 503, message: "503" };
const ok: SendResult = { kind: "success", status: 201 };

/** A transport that answers from a script and counts what reached it. */
function scripted(results: SendResult[]) {
  const inner = { calls: 0, closed: false } as { calls: number; closed: boolean } & Transport;
  inner.send = async () => {
    inner.calls += 1;
    return results.shift() ?? ok;
  };
  inner.close = () => {
    inner.closed = true;
  };
  return inner;
}

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("CircuitBreakerTransport", () => {
  it("opens after `threshold` unreachable results in a row and then fails without sending", async () => {
    const inner = scripted([unreachable, unreachable, unreachable]);
    const time = clock();
    const breaker = new CircuitBreakerTransport(inner, { threshold: 3, cooldownMs: 5_000, now: time.now });
    for (let i = 0; i < 3; i++) expect((await breaker.send(request)).kind).toBe("retryable");
    expect(breaker.isOpen).toBe(true);
    const result = await breaker.send(request);
    expect(result.kind).toBe("failure");
    expect(inner.calls).toBe(3);
  });

  it("never opens on answers from the server, whatever their status", async () => {
    const inner = scripted([serverError, serverError, unreachable, serverError, unreachable, unreachable]);
    const breaker = new CircuitBreakerTransport(inner, { threshold: 3, cooldownMs: 5_000 });
    for (let i = 0; i < 6; i++) await breaker.send(request);
    expect(breaker.isOpen).toBe(false);
    expect(inner.calls).toBe(6);
  });

  it("lets one probe through after the cool-down; a success closes it", async () => {
    const inner = scripted([unreachable, unreachable, ok, ok]);
    const time = clock();
    const breaker = new CircuitBreakerTransport(inner, { threshold: 2, cooldownMs: 5_000, now: time.now });
    await breaker.send(request);
    await breaker.send(request);
    time.advance(4_999);
    expect((await breaker.send(request)).kind).toBe("failure");
    time.advance(1);
    const [probe, duringProbe] = await Promise.all([breaker.send(request), breaker.send(request)]);
    expect(probe.kind).toBe("success");
    expect(duringProbe.kind).toBe("failure");
    expect(breaker.isOpen).toBe(false);
    expect((await breaker.send(request)).kind).toBe("success");
    expect(inner.calls).toBe(4);
  });

  it("a failed probe opens it for another cool-down", async () => {
    const inner = scripted([unreachable, unreachable]);
    const time = clock();
    const breaker = new CircuitBreakerTransport(inner, { threshold: 1, cooldownMs: 1_000, now: time.now });
    await breaker.send(request);
    time.advance(1_000);
    expect((await breaker.send(request)).kind).toBe("retryable");
    expect(breaker.isOpen).toBe(true);
    time.advance(999);
    expect((await breaker.send(request)).kind).toBe("failure");
    expect(inner.calls).toBe(2);
  });

  it("close() reaches the inner transport", () => {
    const inner = scripted([]);
    new CircuitBreakerTransport(inner, { threshold: 1, cooldownMs: 1 }).close();
    expect(inner.closed).toBe(true);
  });
});
