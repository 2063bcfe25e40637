// The sender thread lowers its own scheduling priority (Linux), so the app's threads win a core
// they both want: once it runs, one thread of this process has the sender's nice value.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SenderThread } from "../src/sender/sender-thread.js";
import { SENDER_NICE } from "../src/sender/thread-priority.js";

/** The nice value of every thread of this process (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceValues(): number[] {
  return readdirSync("/proc/self/task").flatMap((tid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    } catch {
      return []; // the thread ended between listing and reading (a vitest or libuv helper): it has no nice value to check
    }
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    return [Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])];
  });
}

describe("the sender thread's priority (Linux)", () => {
  it(`is lowered to nice ${SENDER_NICE}, the app's threads left as they were`, async () => {
    expect(niceValues().filter((nice) => nice === SENDER_NICE)).toEqual([]);
    const thread = new SenderThread();
    expect(thread.ensureStarted()).toBe(true);
    try {
      const deadline = Date.now() + 10_000;
      while (!niceValues().includes(SENDER_NICE) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const values = niceValues();
      expect(values.filter((nice) => nice === SENDER_NICE)).toHaveLength(1);
      expect(values.filter((nice) => nice !== SENDER_NICE).every((nice) => nice === 0)).toBe(true);
    } finally {
      thread.terminate();
    }
  });
});
