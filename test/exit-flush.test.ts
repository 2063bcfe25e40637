/**
 * flushWithDeadline: the spans' provider, then the AxonPush exporter, and beside them the other signals' providers,
 * all under one deadline. One failing provider does not keep the others from flushing.
 */
import { describe, expect, it } from "vitest";
import { flushWithDeadline } from "../src/exit/flush.js";

function recorder() {
  const calls: string[] = [];
  const provider = (name: string, outcome: "resolve" | "reject" | "never" = "resolve") => ({
    forceFlush: (options?: { timeoutMillis?: number }) => {
      calls.push(`${name}(${options?.timeoutMillis})`);
      if (outcome === "never") return new Promise<void>(() => {});
      return outcome === "reject" ? Promise.reject(new Error(`${name} failed`)) : Promise.resolve();
    },
  });
  return { calls, provider };
}

describe("flushWithDeadline", () => {
  it("flushes the spans' provider, then the exporter, and the other signals' providers with the same timeout", async () => {
    const { calls, provider } = recorder();
    const exporter = { forceFlush: async () => void calls.push("exporter") };
    const outcome = await flushWithDeadline({ provider: provider("spans"), exporter, alongside: [provider("metrics"), provider("logs")] }, { timeoutMs: 700, keepAlive: false });
    expect(outcome).toBe("flushed");
    expect([...calls].sort()).toEqual(["exporter", "logs(700)", "metrics(700)", "spans(700)"]);
    expect(calls.indexOf("spans(700)")).toBeLessThan(calls.indexOf("exporter"));
  });

  it("a failing metrics flush is reported as failed, and the spans are flushed all the same", async () => {
    const { calls, provider } = recorder();
    const exporter = { forceFlush: async () => void calls.push("exporter") };
    const outcome = await flushWithDeadline({ provider: provider("spans"), exporter, alongside: [provider("metrics", "reject")] }, { timeoutMs: 500, keepAlive: false });
    expect(outcome).toBe("failed");
    expect(calls).toContain("exporter");
  });

  it("a provider that never answers ends at the deadline", async () => {
    const { provider } = recorder();
    const outcome = await flushWithDeadline({ provider: provider("spans"), alongside: [provider("metrics", "never")] }, { timeoutMs: 30, keepAlive: false });
    expect(outcome).toBe("timed-out");
  });
});
