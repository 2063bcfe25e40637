/**
 * The sender thread yields to the app: on Linux it lowers its own scheduling
 * priority (nice), so that when the app and the sender want the same core,
 * the app's threads get it, and the sender works in the time they leave
 * (a sender that cannot keep up then drops and says so, rather than slow the
 * app down). Linux lets a thread renice itself by its thread id, which
 * /proc/thread-self names; elsewhere, or where that fails, nothing changes.
 */
import { readlinkSync } from "node:fs";
import os from "node:os";

/** A gentle preference (nice 5: about a quarter of a contended core): the app wins, the sender is not starved. */
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
