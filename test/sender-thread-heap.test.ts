// The sender thread runs with its young generation capped: left to V8, a busy worker's new space
// grows to 128 MiB on Node 24 (bench/FINDINGS.md, "The sender's memory").
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SENDER_YOUNG_GENERATION_MB, SenderThread } from "../src/sender/sender-thread.js";

const entry = path.join(import.meta.dirname, "helpers/report-resource-limits.cjs");

describe("the sender thread's heap", () => {
  afterEach(() => {
    delete process.env.AXONPUSH_TEST_LIMITS_FILE;
  });

  it(`starts with a young generation of ${SENDER_YOUNG_GENERATION_MB} MiB at most`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "axonpush-heap-"));
    const file = path.join(dir, "limits.json");
    process.env.AXONPUSH_TEST_LIMITS_FILE = file;
    const thread = new SenderThread(entry);
    expect(thread.ensureStarted()).toBe(true);
    try {
      // Until the worker has written the whole file (a missing or half-written one throws, and is read again).
      const limits = await vi.waitFor(() => JSON.parse(readFileSync(file, "utf8")) as { maxYoungGenerationSizeMb: number }, {
        timeout: 10_000,
        interval: 20,
      });
      expect(limits.maxYoungGenerationSizeMb).toBe(SENDER_YOUNG_GENERATION_MB);
    } finally {
      thread.terminate();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
