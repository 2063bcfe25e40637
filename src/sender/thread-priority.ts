/**
 * The sender thread yields to the app: on Linux it lowers its own scheduling
 * priority (nice), so that when the app and the sender want the same core,
 * the app's threads get the larger share, and the sender works in the rest
 * (a sender that cannot keep up then drops and says so, rather than slow the
 * app down). Linux lets a thread renice itself by its thread id, which
 * /proc/thread-self names; elsewhere, or where that fails, nothing changes.
 */
import { readlinkSync } from "node:fs";
import os from "node:os";

/**
 * Under contention the app's thread wins three parts in four of the core (weights 1024 against 335), and the
 * sender still gets the time it needs at a load the core can carry. Measured on one core (bench/FINDINGS.md,
 * "The sender's nice value, again"): Express 5 at 1,200 requests/s (4,800 spans/s), evenly paced, p99 latency
 * 37.6 ms at nice 2, 25.2 at nice 5, 18.2 at nice 7 (official register 22.7), every span delivered at each; in
 * per-second bursts every span delivered at nice 5, 6 and 7, but 10% lost at nice 10. Nice 5 keeps two steps
 * from that edge. (With undici as the client and no waiting line on the app's thread, 2026-12-05, nice 5 lost
 * 30% of those spans: the sender has since become cheaper per request and rides out a burst.)
 */
export const SENDER_NICE = 5;

/** Returns the nice value set, or undefined when the platform does not allow it. */
export function yieldToTheApp(nice: number = SENDER_NICE): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    os.setPriority(tid, nice);
    return os.getPriority(tid);
  } catch {
    return undefined;
  }
}
