/**
 * Whether the process has the address space a second V8 isolate takes.
 *
 * A worker thread reserves virtual memory for its isolate (its code range,
 * its heap, its thread's malloc arena): measured 0.65–0.91 GiB of VmSize
 * per worker on Node 20 to 26. Under a virtual memory limit (`ulimit -v`,
 * RLIMIT_AS, which some shared hosts and batch schedulers set) a reservation
 * V8 cannot make is not an exception: it is "Fatal process out of memory:
 * Failed to reserve virtual memory for CodeRange", and the whole process
 * aborts. An app that ran under such a limit must not die because we started
 * a thread in it, so where the limit leaves less than a worker's share the
 * sender runs on the app's thread instead.
 *
 * Linux only (/proc); elsewhere, or where /proc cannot be read, nothing is
 * known and the thread is started as usual.
 */
import { readFileSync } from "node:fs";

/**
 * Free address space a sender thread needs: the largest worker measured (0.91 GiB, Node 26), plus room for its
 * heap to grow and for the app to go on growing its own.
 */
export const THREAD_ADDRESS_SPACE_BYTES = 1.5 * 1024 ** 3;

export interface AddressSpace {
  /** The soft RLIMIT_AS in bytes. */
  readonly limitBytes: number;
  /** The process's virtual size now (VmSize). */
  readonly usedBytes: number;
}

/** The address-space limit and use, or undefined when there is no limit or it cannot be read. */
export function readAddressSpace(readFile: (path: string) => string = (path) => readFileSync(path, "utf8")): AddressSpace | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    // "Max address space         unlimited            unlimited            bytes"
    const limit = /^Max address space\s+(\S+)/m.exec(readFile("/proc/self/limits"))?.[1];
    if (limit === undefined || limit === "unlimited") return undefined;
    const vmSizeKb = /^VmSize:\s+(\d+)\s+kB/m.exec(readFile("/proc/self/status"))?.[1];
    if (vmSizeKb === undefined) return undefined;
    const limitBytes = Number(limit);
    return Number.isFinite(limitBytes) ? { limitBytes, usedBytes: Number(vmSizeKb) * 1024 } : undefined;
  } catch {
    return undefined;
  }
}

/** Why a thread must not be started here, or undefined when nothing stands in its way. */
export function addressSpaceRefusal(space: AddressSpace | undefined = readAddressSpace()): string | undefined {
  if (!space) return undefined;
  const freeBytes = space.limitBytes - space.usedBytes;
  if (freeBytes >= THREAD_ADDRESS_SPACE_BYTES) return undefined;
  const mib = (bytes: number) => Math.max(0, Math.floor(bytes / 1024 ** 2)).toLocaleString("en-US");
  return `the virtual memory limit (ulimit -v) leaves ${mib(freeBytes)} MiB of address space, and a thread takes about ${mib(THREAD_ADDRESS_SPACE_BYTES)} MiB`;
}
