// The memory check that keeps the sender thread from being started where a memory limit leaves little room
// (src/sender/memory-room.ts): which limit counts, and the threshold. End to end: a 128 MB Lambda function
// (test/e2e-lambda.test.ts).
import { describe, expect, it } from "vitest";
import { memoryRefusal, readMemoryLimit, THREAD_MEMORY_ROOM_BYTES } from "../src/sender/memory-room.js";
import { SenderThread } from "../src/sender/sender-thread.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const facts = (over: Partial<Parameters<typeof readMemoryLimit>[0]> = {}) => ({ constrained: 0, total: 16 * GiB, rss: 80 * MiB, env: {}, ...over });

describe("the tightest memory limit", () => {
  it("no container limit, no Lambda: the machine's memory", () => {
    expect(readMemoryLimit(facts())).toEqual({ limitBytes: 16 * GiB, source: "the machine's memory", usedBytes: 80 * MiB });
  });

  it("cgroup v1's 'no limit' (a number near 2^63) is no limit", () => {
    expect(readMemoryLimit(facts({ constrained: 2 ** 63 })).source).toBe("the machine's memory");
  });

  it("a container's limit below the machine's memory", () => {
    expect(readMemoryLimit(facts({ constrained: 512 * MiB }))).toMatchObject({ limitBytes: 512 * MiB, source: "the container's memory limit" });
  });

  it("a Lambda function's memory size", () => {
    expect(readMemoryLimit(facts({ env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128" } }))).toMatchObject({
      limitBytes: 128 * MiB,
      source: "the Lambda function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128)",
    });
  });

  it.each(["", "lots", "0", "-5"])("a Lambda memory size of %j is ignored", (value) => {
    expect(readMemoryLimit(facts({ env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: value } })).source).toBe("the machine's memory");
  });

  it("the lowest of them wins", () => {
    expect(readMemoryLimit(facts({ constrained: 1 * GiB, env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "3008" } })).source).toBe("the container's memory limit");
    expect(readMemoryLimit(facts({ total: 768 * MiB, constrained: 1 * GiB })).source).toBe("the machine's memory");
  });

  it("this process: a limit and its own resident memory are read", () => {
    const limit = readMemoryLimit();
    expect(limit.limitBytes).toBeGreaterThan(0);
    expect(limit.usedBytes).toBeGreaterThan(10 * MiB);
  });
});

describe("whether a thread may start", () => {
  it("room for it: yes, to the byte", () => {
    expect(memoryRefusal({ limitBytes: 16 * GiB, source: "the machine's memory", usedBytes: 80 * MiB })).toBeUndefined();
    expect(memoryRefusal({ limitBytes: 80 * MiB + THREAD_MEMORY_ROOM_BYTES, source: "x", usedBytes: 80 * MiB })).toBeUndefined();
  });

  it("a 128 MB Lambda function: no, saying which limit and how much is left", () => {
    expect(memoryRefusal(readMemoryLimit(facts({ rss: 70 * MiB, env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128" } })))).toBe(
      "the Lambda function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128) leaves 58 MiB above the 70 MiB the process uses, and a thread is started with 256 MiB of room",
    );
  });

  it("one byte short: no; a process already past its limit: no, with 0 MiB left", () => {
    expect(memoryRefusal({ limitBytes: 80 * MiB + THREAD_MEMORY_ROOM_BYTES - 1, source: "x", usedBytes: 80 * MiB })).toBeDefined();
    expect(memoryRefusal({ limitBytes: 256 * MiB, source: "the container's memory limit", usedBytes: 300 * MiB })).toMatch(/leaves 0 MiB above the 300 MiB/);
  });

  it("a refused thread is never started: the lanes send on the app's thread", () => {
    const thread = new SenderThread(undefined, () => memoryRefusal({ limitBytes: 128 * MiB, source: "x", usedBytes: 70 * MiB }));
    expect(thread.ensureStarted()).toBe(false);
    expect(thread.state).toBe("unavailable");
  });
});
