import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelayMs, DEFAULT_BACKOFF, retryDelayMs } from "../src/transport/backoff.js";
import { parseRetryAfter } from "../src/transport/retry-after.js";
import { RetryingTransport } from "../src/transport/retrying-transport.js";
import type { OutgoingRequest, SendResult, Transport } from "../src/transport/types.js";

const request: OutgoingRequest = {
  path: "/event",
  contentType: "application/json",
  body: "{}",
  idempotencyKey: "key-1",
  spanCount: 1,
};

/** Answers with the given results in order (the last one repeats), recording when each try happened. */
function scriptedTransport(results: SendResult[]) {
  const tries: { at: number; request: OutgoingRequest }[] = [];
  let closed = 0;
  const transport: Transport = {
    send: async (req) => {
      tries.push({ at: Date.now(), request: req });
      return results[Math.min(tries.length - 1, results.length - 1)]!;
    },
    close: () => {
      closed += 1;
    },
  };
  return { transport, tries, closedCount: () => closed };
}

const retryable503: SendResult = { kind: "retryable", status: 503, message: "HTTP 503" };
const ok: SendResult = { kind: "success", status: 201 };

describe("backoff", () => {
  it("doubles from 250 ms with ±20 % jitter", () => {
    const low = () => 0;
    const mid = () => 0.5;
    const high = () => 0.999999;
    expect([0, 1, 2, 3, 4].map((i) => backoffDelayMs(i, DEFAULT_BACKOFF, mid))).toEqual([250, 500, 1000, 2000, 4000]);
    for (let i = 0; i < 5; i++) {
      const base = 250 * 2 ** i;
      expect(backoffDelayMs(i, DEFAULT_BACKOFF, low)).toBe(Math.round(base * 0.8));
      expect(backoffDelayMs(i, DEFAULT_BACKOFF, high)).toBe(Math.round(base * 1.2 - base * 0.4 * 0.000001));
    }
  });

  it("stays within the jitter bounds for any random value", () => {
    for (let retry = 0; retry < 6; retry++) {
      for (let n = 0; n < 200; n++) {
        const delay = backoffDelayMs(retry, DEFAULT_BACKOFF);
        const base = 250 * 2 ** retry;
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(delay).toBeLessThanOrEqual(Math.ceil(base * 1.2));
      }
    }
  });

  it("never waits longer than the cap, even for a huge Retry-After", () => {
    expect(backoffDelayMs(30, DEFAULT_BACKOFF, () => 0.999)).toBe(DEFAULT_BACKOFF.maxDelayMs);
    expect(retryDelayMs(0, 3_600_000, DEFAULT_BACKOFF)).toBe(DEFAULT_BACKOFF.maxDelayMs);
    expect(retryDelayMs(3, 1500, DEFAULT_BACKOFF)).toBe(1500);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(" 0 ")).toBe(0);
    expect(parseRetryAfter("1.5")).toBe(1500);
    expect(parseRetryAfter(["3", "9"])).toBe(3000);
  });

  it("reads an HTTP date relative to now", () => {
    const now = Date.parse("Sun, 22 Nov 2026 10:00:00 GMT");
    expect(parseRetryAfter("Sun, 22 Nov 2026 10:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Sun, 22 Nov 2026 09:59:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("")).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-5")).toBeUndefined();
  });
});

describe("RetryingTransport", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("retries a retryable result with growing waits, then succeeds, with the same request every time", async () => {
    const { transport, tries } = scriptedTransport([retryable503, retryable503, retryable503, ok]);
    const retrying = new RetryingTransport(transport, { maxRetries: 3, deadlineMs: 60_000, random: () => 0.5 });
    const start = Date.now();
    const result = retrying.send(request);
    await vi.advanceTimersByTimeAsync(249);
    expect(tries).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(tries).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(tries).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(result).resolves.toEqual(ok);
    expect(tries.map((t) => t.at - start)).toEqual([0, 250, 750, 1750]);
    expect(new Set(tries.map((t) => t.request)).size).toBe(1);
    expect(tries.every((t) => t.request.idempotencyKey === "key-1")).toBe(true);
  });

  it("gives up after maxRetries and returns the last result", async () => {
    const { transport, tries } = scriptedTransport([retryable503]);
    const retrying = new RetryingTransport(transport, { maxRetries: 2, deadlineMs: 60_000, random: () => 0.5 });
    const result = retrying.send(request);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(result).resolves.toEqual(retryable503);
    expect(tries).toHaveLength(3);
  });

  it("does not retry with maxRetries 0", async () => {
    const { transport, tries } = scriptedTransport([retryable503]);
    const result = await new RetryingTransport(transport, { maxRetries: 0, deadlineMs: 60_000 }).send(request);
    expect(result).toEqual(retryable503);
    expect(tries).toHaveLength(1);
  });

  it.each([400, 401, 403, 404, 422])("never retries a %i failure", async (status) => {
    const failure: SendResult = { kind: "failure", status, message: `HTTP ${status}` };
    const { transport, tries } = scriptedTransport([failure, ok]);
    const result = await new RetryingTransport(transport, { maxRetries: 3, deadlineMs: 60_000 }).send(request);
    expect(result).toEqual(failure);
    expect(tries).toHaveLength(1);
  });

  it("waits what Retry-After says instead of its own backoff", async () => {
    const limited: SendResult = { kind: "retryable", status: 429, message: "HTTP 429", retryAfterMs: 3000 };
    const { transport, tries } = scriptedTransport([limited, ok]);
    const retrying = new RetryingTransport(transport, { maxRetries: 3, deadlineMs: 60_000, random: () => 0.5 });
    const start = Date.now();
    const result = retrying.send(request);
    await vi.advanceTimersByTimeAsync(2999);
    expect(tries).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(ok);
    expect(tries[1]!.at - start).toBe(3000);
  });

  it("stops when the next wait would pass the overall deadline", async () => {
    const limited: SendResult = { kind: "retryable", status: 429, message: "HTTP 429", retryAfterMs: 20_000 };
    const { transport, tries } = scriptedTransport([limited, ok]);
    const retrying = new RetryingTransport(transport, { maxRetries: 3, deadlineMs: 10_000 });
    const result = retrying.send(request);
    await vi.advanceTimersByTimeAsync(0);
    await expect(result).resolves.toEqual(limited);
    expect(tries).toHaveLength(1);
  });

  it("ends pending waits at once when closed, and closes the inner transport", async () => {
    const { transport, tries, closedCount } = scriptedTransport([retryable503]);
    const retrying = new RetryingTransport(transport, { maxRetries: 3, deadlineMs: 60_000 });
    const result = retrying.send(request);
    await vi.advanceTimersByTimeAsync(0);
    retrying.close();
    const settled = await result;
    expect(settled.kind).toBe("failure");
    expect(tries).toHaveLength(1);
    expect(closedCount()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("unrefs its retry timers so a pending retry never keeps the process alive", async () => {
    vi.useRealTimers();
    const { transport } = scriptedTransport([retryable503]);
    const retrying = new RetryingTransport(transport, { maxRetries: 1, deadlineMs: 60_000 });
    // The retry's own timer, read where it is made: counting the process's active timers instead was at the mercy
    // of other timers in the test worker (one CI run saw one end between the two counts).
    const timers = vi.spyOn(globalThis, "setTimeout");
    const pending = retrying.send(request);
    await new Promise((resolve) => setImmediate(resolve));
    const made = timers.mock.results.map((result) => result.value as NodeJS.Timeout);
    timers.mockRestore();
    expect(made).toHaveLength(1);
    expect(made[0]!.hasRef()).toBe(false);
    retrying.close();
    await pending;
  });
});
