/**
 * Sends requests synchronously, from a place where the event loop will never
 * turn again (Node's `exit` event): a worker thread does the HTTP, the main
 * thread blocks on `Atomics.wait` with a hard timeout. Whatever the worker
 * has not finished by then is abandoned: the process exits and takes the
 * thread with it, so a backend that never answers costs at most `timeoutMs`.
 */
import { Worker } from "node:worker_threads";
import type { OptionalProperties } from "../transport/types.js";
import { SYNC_SENDER_WORKER_SOURCE } from "./sync-sender-worker.js";

/** One request with everything resolved: full URL and every header. */
export interface ResolvedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
  /** The body in pieces, when a server may refuse some of its properties by name (see sync-sender-worker.ts). */
  readonly optional?: OptionalProperties;
}

export type SyncSendResult =
  | { readonly kind: "sent"; readonly accepted: number; readonly elapsedMs: number }
  | { readonly kind: "timed-out"; readonly elapsedMs: number }
  | { readonly kind: "failed"; readonly message: string; readonly elapsedMs: number };

export function sendSynchronously(requests: readonly ResolvedRequest[], timeoutMs: number): SyncSendResult {
  const startedAt = Date.now();
  const elapsed = () => Date.now() - startedAt;
  if (requests.length === 0) return { kind: "sent", accepted: 0, elapsedMs: 0 };
  if (timeoutMs <= 0) return { kind: "timed-out", elapsedMs: 0 };

  const signal = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const state = new Int32Array(signal);
  let worker: Worker;
  try {
    worker = new Worker(SYNC_SENDER_WORKER_SOURCE, {
      eval: true,
      // Not the app's --import / --require flags: the worker must not load
      // our preload (or anything else) again, it only needs node:http.
      execArgv: [],
      env: {},
      stdout: true,
      stderr: true,
      workerData: { signal, requests, deadline: startedAt + timeoutMs },
    });
  } catch (error) {
    return { kind: "failed", message: error instanceof Error ? error.message : String(error), elapsedMs: elapsed() };
  }
  // Never let the worker hold the process open should we be called while the loop still runs.
  worker.unref();
  worker.on("error", () => {});

  const outcome = Atomics.wait(state, 0, 0, Math.max(0, timeoutMs - elapsed()));
  const value = Atomics.load(state, 0);
  if (value > 0) return { kind: "sent", accepted: value - 1, elapsedMs: elapsed() };
  // Not done in time: stop it if the process outlives us (terminate is async; exit kills it anyway).
  void worker.terminate().catch(() => {});
  return outcome === "timed-out"
    ? { kind: "timed-out", elapsedMs: elapsed() }
    : { kind: "failed", message: `unexpected wait result ${outcome}`, elapsedMs: elapsed() };
}
