// The exit drain waits for the sender thread's answer; when the wait runs out, each lane says what the thread
// could not confirm. A thread that said its report but was late to answer has said it already: the lanes must
// not say it a second time (seen in CI: the same loss line twice, on a loaded machine).
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { SenderThread } from "../src/sender/sender-thread.js";

const entry = path.join(import.meta.dirname, "helpers/exit-report-without-answer.cjs");

describe("an exit drain the thread does not answer in time", () => {
  it("leaves the lanes silent when the thread's report was read after the wait", async () => {
    const thread = new SenderThread(entry);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const unanswered = vi.fn();
    try {
      expect(thread.ensureStarted()).toBe(true);
      thread.onExitUnanswered(unanswered);
      // The stand-in is up once it has answered a flush.
      await thread.ask((id) => ({ type: "flush", lane: 1, id }));
      expect(thread.warningsHeard).toBe(0);
      const outcome = thread.drainForExit(300);
      expect(outcome.kind).toBe("drained");
      expect(unanswered).not.toHaveBeenCalled();
      expect(thread.warningsHeard).toBe(1);
      const lines = stderr.mock.calls.map((call) => String(call[0])).filter((line) => line.includes("not delivered"));
      expect(lines).toHaveLength(1);
    } finally {
      stderr.mockRestore();
      thread.terminate();
    }
  });
});
