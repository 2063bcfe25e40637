// How many requests the sender keeps in flight: more while requests wait for a far backend and the sending thread
// is idle, not while the thread itself (or a core for it) is what they wait for, never past its bound, and back down after a long
// window that used at most half of it. The clock and the loop's utilisation are the test's.
import { describe, expect, it } from "vitest";
import { ConcurrencyLimit, IDLE_SHARE, SHRINK_WINDOW_MS, STARVED_FOR_MS } from "../src/exporter/concurrency-limit.js";
import { DeliveryQueue } from "../src/exporter/delivery-queue.js";
import { threadDemand } from "../src/exporter/thread-demand.js";
import type { OutgoingRequest, SendResult } from "../src/transport/types.js";

function testLimit(start: number, max: number, { arrivalsPerSecond = 1_000_000, answerMs = 50 } = {}) {
  const clock = { now: 0, busy: 0 };
  const limit = new ConcurrencyLimit({
    start,
    max,
    now: () => clock.now,
    demand: { mark: () => null, since: () => clock.busy },
  });
  // Requests coming in at a rate, one answered successfully after `answerMs`: what Little's law needs in flight.
  limit.arrived(arrivalsPerSecond);
  clock.now += answerMs;
  limit.settled(clock.now - answerMs, true);
  return { clock, limit };
}

/** A limit from 32 to 256 whose sending thread is always asleep, with nothing measured yet. */
function asleepLimit() {
  const clock = { now: 0 };
  const limit = new ConcurrencyLimit({ start: 32, max: 256, now: () => clock.now, demand: { mark: () => null, since: () => 0 } });
  return { clock, limit };
}

/** `steps` windows of requests waiting with every slot taken, `between` run before each; the limit after each. */
function starvedSteps(limit: ConcurrencyLimit, clock: { now: number }, steps: number, between = () => {}): number[] {
  const seen = [];
  for (let step = 0; step < steps; step++) {
    clock.now += STARVED_FOR_MS;
    between();
    limit.starved(limit.current);
    seen.push(limit.current);
  }
  return seen;
}

describe("ConcurrencyLimit", () => {
  it("grows by half once requests have waited long enough with the thread mostly idle, up to its bound", () => {
    const { clock, limit } = testLimit(32, 256);
    clock.busy = 0.05;
    limit.starved(32);
    clock.now += STARVED_FOR_MS - 1;
    limit.starved(32);
    expect(limit.current).toBe(32);
    expect(starvedSteps(limit, clock, 8)).toEqual([48, 72, 108, 162, 243, 256, 256, 256]);
  });

  it("does not grow while the thread itself is busy: the requests wait for it, not for the network", () => {
    const { clock, limit } = testLimit(32, 256);
    clock.busy = IDLE_SHARE;
    limit.starved(32);
    expect(starvedSteps(limit, clock, 5)).toEqual([32, 32, 32, 32, 32]);
  });

  it("a wait must last: one that ended (nothing waits any more) starts over", () => {
    const { clock, limit } = testLimit(8, 64);
    clock.busy = 0;
    limit.starved(8);
    clock.now += STARVED_FOR_MS / 2;
    limit.fed(8);
    clock.now += STARVED_FOR_MS / 2;
    limit.starved(8);
    expect(limit.current).toBe(8);
    clock.now += STARVED_FOR_MS;
    limit.starved(8);
    expect(limit.current).toBe(12);
  });

  it("shrinks by half after a long window that used at most half of it, never below where it started", () => {
    const { clock, limit } = testLimit(32, 256);
    clock.busy = 0;
    limit.starved(32);
    starvedSteps(limit, clock, 6);
    expect(limit.current).toBe(256);
    // A window that still used more than half: no change.
    clock.now += SHRINK_WINDOW_MS;
    limit.fed(200);
    expect(limit.current).toBe(256);
    const seen = [];
    for (let step = 0; step < 4; step++) {
      clock.now += SHRINK_WINDOW_MS;
      limit.fed(10);
      seen.push(limit.current);
    }
    expect(seen).toEqual([128, 64, 32, 32]);
  });

  it("grows no further than twice what the arrivals need by Little's law (1,000 requests/s answered in 50 ms: 100)", () => {
    const { clock, limit } = asleepLimit();
    // 100 requests every 100 ms, each answered 50 ms after it went out.
    const tick = () => {
      limit.arrived(100);
      limit.settled(clock.now - 50, true);
    };
    for (let step = 0; step < 10; step++, clock.now += 100) tick();
    limit.starved(32);
    expect(starvedSteps(limit, clock, 5, tick)).toEqual([48, 72, 100, 100, 100]);
    expect(limit.needed).toBe(100);
  });

  it("how far the backend is, is its quickest answer: answers slowed by its own queue (2 ms first, 20 ms behind 31 others) open nothing", () => {
    const { clock, limit } = asleepLimit();
    // A burst of 32 every 100 ms (320/s), on a backend that answers the first in 2 ms and the rest 20 ms later,
    // as a receiver short of CPU does: the mean (about 19 ms) would ask for 2 × 320/s × 19 ms, more than 12.
    const tick = () => {
      limit.arrived(32);
      limit.settled(clock.now - 2, true);
      for (let i = 1; i < 32; i++) limit.settled(clock.now - 20, true);
    };
    for (let step = 0; step < 10; step++, clock.now += 100) tick();
    expect(limit.needed).toBe(Math.ceil(2 * 0.32 * 2));
    limit.starved(32);
    expect(starvedSteps(limit, clock, 5, tick)).toEqual([32, 32, 32, 32, 32]);
  });

  it("a backend that moved farther away (a failover) is believed within two windows of 10 s", () => {
    const { clock, limit } = asleepLimit();
    const answerAfter = (ms: number) => {
      limit.arrived(1_000);
      limit.settled(clock.now - ms, true);
      clock.now += 1_000;
    };
    for (let second = 0; second < 5; second++) answerAfter(1);
    expect(limit.needed).toBe(2 * 1 * 1);
    for (let second = 0; second < 10; second++) answerAfter(200);
    expect(limit.needed).toBe(2 * 1 * 1);
    for (let second = 0; second < 10; second++) answerAfter(200);
    expect(limit.needed).toBe(2 * 1 * 200);
  });

  it("only answers that succeeded say how far the backend is: a backend that hangs or fails opens no more connections", () => {
    const { clock, limit } = asleepLimit();
    limit.arrived(5_000);
    clock.now += 10_000;
    limit.settled(0, false);
    expect(limit.needed).toBe(0);
    limit.starved(32);
    expect(starvedSteps(limit, clock, 5)).toEqual([32, 32, 32, 32, 32]);
  });

  it("a fixed limit (start = max) never moves, as in sync mode", () => {
    const { clock, limit } = testLimit(1, 1);
    limit.starved(1);
    clock.now += 10 * STARVED_FOR_MS;
    limit.starved(1);
    expect(limit.current).toBe(1);
  });
});

describe("the delivery queue with a growing limit", () => {
  it("sends the new slots' requests at once when its limit grows", () => {
    const { clock, limit } = testLimit(2, 8, { arrivalsPerSecond: 10_000 });
    clock.busy = 0;
    const onTheWire: OutgoingRequest[] = [];
    const queue = new DeliveryQueue({
      transport: { send: (request) => (onTheWire.push(request), new Promise<SendResult>(() => {})), close() {} },
      maxQueueSize: 100,
      concurrency: 2,
      limit,
      onSettled: () => {},
    });
    const request = (i: number): OutgoingRequest => ({ path: "/event", contentType: "application/json", body: `{"i":${i}}`, idempotencyKey: `k-${i}`, spanCount: 1 });
    queue.enqueue([request(0), request(1), request(2), request(3)]);
    expect(onTheWire).toHaveLength(2);
    clock.now += STARVED_FOR_MS;
    queue.enqueue([request(4), request(5)]);
    expect(queue.concurrency).toBe(3);
    expect(onTheWire.map((r) => r.idempotencyKey)).toEqual(["k-0", "k-1", "k-2"]);
    clock.now += STARVED_FOR_MS;
    queue.enqueue([request(6)]);
    expect(queue.concurrency).toBe(5);
    expect(onTheWire).toHaveLength(5);
    expect(queue.waitingCount).toBe(2);
  });
});

describe("threadDemand (Linux: the thread's scheduler counters)", () => {
  const demand = threadDemand();
  const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

  it("a thread running (or waiting for a core) the whole time: a share near 1", () => {
    const mark = demand.mark();
    const until = performance.now() + 150;
    while (performance.now() < until);
    expect(demand.since(mark)).toBeGreaterThan(0.8);
  });

  it("a thread asleep, as it is while its requests wait for the network: a share near 0", () => {
    const mark = demand.mark();
    sleepMs(150);
    expect(demand.since(mark)).toBeLessThan(0.2);
  });
});
