/**
 * How much of a stretch of time the calling thread spent running or ready to run: what tells requests waiting
 * for the network (the thread asleep meanwhile) from requests waiting for the thread itself (running, or kept
 * off a core the app's thread also wants). On Linux the thread's own scheduler counters say both
 * (`/proc/thread-self/schedstat`: time on a core, time waiting for one). Elsewhere the event loop's utilisation
 * stands in; it cannot see a thread kept off a busy core, so there a shared core looks like a slow network.
 */
import { readFileSync } from "node:fs";
import type { ThreadDemand } from "./concurrency-limit.js";

const SCHEDSTAT = "/proc/thread-self/schedstat";

interface SchedMark {
  atMs: number;
  /** Nanoseconds on a core plus nanoseconds waiting for one, so far. */
  demandNs: number;
}

function schedDemandNs(): number | undefined {
  try {
    const [onCore, waiting] = readFileSync(SCHEDSTAT, "latin1").split(" ");
    const total = Number(onCore) + Number(waiting);
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  }
}

const fromScheduler: ThreadDemand = {
  mark: (): SchedMark => ({ atMs: performance.now(), demandNs: schedDemandNs() ?? 0 }),
  since: (mark) => {
    const { atMs, demandNs } = mark as SchedMark;
    const elapsedMs = performance.now() - atMs;
    const now = schedDemandNs();
    if (now === undefined || elapsedMs <= 0) return 1;
    return (now - demandNs) / 1e6 / elapsedMs;
  },
};

type EventLoopUtilization = ReturnType<typeof performance.eventLoopUtilization>;

const fromEventLoop: ThreadDemand = {
  mark: () => performance.eventLoopUtilization(),
  since: (mark) => performance.eventLoopUtilization(mark as EventLoopUtilization).utilization,
};

/** The best measure this platform has, chosen once. */
export function threadDemand(): ThreadDemand {
  return schedDemandNs() === undefined ? fromEventLoop : fromScheduler;
}
