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
 * A gentle preference: under contention the app's thread wins about three parts in five of the core (weights
 * 1024 against 655), and the sender still gets the time it needs at a load the core can carry. Nice 5 was too
 * much: Express at 1,200 requests/s (4,800 spans/s) on one core, the core a third idle, the sender at nice 5
 * sat 4.3 s of 10 s waiting to run (schedstat run delay), could not keep up and lost 30% of the spans; at
 * nice 2 (and 0) it delivered them all, and the app's thread waited about as long as at nice 0.
 */
export const SENDER_NICE = 2;

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
