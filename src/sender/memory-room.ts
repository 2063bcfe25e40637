/**
 * Whether the process has the memory a sender thread takes.
 *
 * A worker thread is a second V8 isolate: its heap (the young generation capped at 16 MiB, the old one holding the
 * sending code and what is in flight), its compiled code and its thread's stack. Measured here at 36 MiB resident
 * over the official exporter's cost at 1,000 spans/s on Node 20, 50 at 5,000/s and up to 90 when it is overloaded
 * (bench/FINDINGS.md, "The sender's memory"). Under a memory limit (a container's cgroup, a small AWS Lambda
 * function: 128 MB is its default) going past it is not an exception but the kernel's OOM killer ending the whole
 * process, so where the limit leaves less than THREAD_MEMORY_ROOM_BYTES above what the process uses now, the sender
 * runs on the app's thread instead, at the CPU cost it had before the thread existed.
 */
import os from "node:os";
import type { Env } from "../config/types.js";

/** Room above the process's current use a sender thread is started with: what it takes, overloaded, and as much again for the app. */
export const THREAD_MEMORY_ROOM_BYTES = 256 * 1024 ** 2;

export interface MemoryLimit {
  /** The lowest limit known, in bytes. */
  readonly limitBytes: number;
  /** Where it comes from, for the debug line. */
  readonly source: string;
  /** The process's resident memory now. */
  readonly usedBytes: number;
}

export interface MemoryFacts {
  /** `process.constrainedMemory()`: the cgroup's limit; 0 or a huge number when there is none. */
  readonly constrained: number;
  /** `os.totalmem()`. */
  readonly total: number;
  readonly rss: number;
  readonly env: Env;
}

function currentFacts(): MemoryFacts {
  return { constrained: process.constrainedMemory?.() ?? 0, total: os.totalmem(), rss: process.memoryUsage.rss(), env: process.env };
}

/** The tightest memory limit the process lives under. */
export function readMemoryLimit(facts: MemoryFacts = currentFacts()): MemoryLimit {
  const candidates: { bytes: number; source: string }[] = [{ bytes: facts.total, source: "the machine's memory" }];
  // cgroup v1 reports "no limit" as a number near 2^63: anything above the machine's memory is no limit.
  if (facts.constrained > 0 && facts.constrained < facts.total) candidates.push({ bytes: facts.constrained, source: "the container's memory limit" });
  const lambdaMb = Number(facts.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (Number.isFinite(lambdaMb) && lambdaMb > 0) {
    candidates.push({ bytes: lambdaMb * 1024 ** 2, source: `the Lambda function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE=${lambdaMb})` });
  }
  const tightest = candidates.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  return { limitBytes: tightest.bytes, source: tightest.source, usedBytes: facts.rss };
}

/** Why a thread must not be started here for want of memory, or undefined when there is room. */
export function memoryRefusal(limit: MemoryLimit = readMemoryLimit()): string | undefined {
  const freeBytes = limit.limitBytes - limit.usedBytes;
  if (freeBytes >= THREAD_MEMORY_ROOM_BYTES) return undefined;
  const mib = (bytes: number) => Math.max(0, Math.floor(bytes / 1024 ** 2)).toLocaleString("en-US");
  return `${limit.source} leaves ${mib(freeBytes)} MiB above the ${mib(limit.usedBytes)} MiB the process uses, and a thread is started with ${mib(THREAD_MEMORY_ROOM_BYTES)} MiB of room`;
}
