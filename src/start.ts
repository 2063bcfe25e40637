/**
 * `start()` from code: the same start the preload does, with options that
 * override the environment. Prefer the preload (`--import
 * axonpush-otel/register`) for ESM apps: only it can hook ES modules before
 * they load.
 */
import type { StartOptions } from "./config/types.js";
import { startSafely } from "./preload/boot.js";
import { planStart } from "./preload/plan.js";
import { getState, releaseState, type AxonPushOtelState } from "./preload/state.js";

export type { StartOptions } from "./config/types.js";

export interface AxonPushOtelHandle {
  /** Flushes and stops tracing; later calls resolve at once. Never rejects. */
  shutdown(): Promise<void>;
  /** Delivers every span ended so far. Never rejects. */
  forceFlush(): Promise<void>;
}

const inertHandle: AxonPushOtelHandle = Object.freeze({
  shutdown: async () => undefined,
  forceFlush: async () => undefined,
});

function withDeadline(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    work.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

function handleFor(state: AxonPushOtelState): AxonPushOtelHandle {
  let stopping: Promise<void> | undefined;
  return {
    shutdown() {
      stopping ??= withDeadline(state.sdk?.shutdown() ?? Promise.resolve(), state.shutdownTimeoutMs).then(() => {
        state.exitHandlers?.uninstall();
        releaseState(state);
      });
      return stopping;
    },
    forceFlush() {
      const provider = state.tracerProvider as { forceFlush?: () => Promise<void> } | undefined;
      return withDeadline(provider?.forceFlush?.() ?? Promise.resolve(), state.shutdownTimeoutMs);
    },
  };
}

export function start(options: StartOptions = {}): AxonPushOtelHandle {
  try {
    const plan = planStart({ startedBy: "start", options });
    if (!plan.go) {
      // Already started (by the preload or an earlier call): hand out that one.
      const existing = plan.why === "already-started" ? getState() : undefined;
      return existing?.sdk ? handleFor(existing) : inertHandle;
    }
    return startSafely(plan) ? handleFor(plan.state) : inertHandle;
  } catch (error) {
    process.stderr.write(`axonpush-otel: could not start tracing (${error instanceof Error ? error.message : String(error)}); the application runs untraced.\n`);
    return inertHandle;
  }
}
