/**
 * The one global state object, on globalThis under a registry symbol, so it
 * survives the preload being loaded twice (the ESM and CJS builds are two
 * module copies) and so the exit handlers can reach the SDK.
 */
import type { NodeSDK } from "@opentelemetry/sdk-node";
import type { TracerProvider } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { AxonPushOtelConfig } from "../config/types.js";
import type { AxonPushSpanExporter } from "../exporter/index.js";
import type { EsmHookKind } from "./esm-hook.js";
import type { ExitHandlers, PendingSpanProcessor } from "../exit/index.js";

export const STATE_KEY = Symbol.for("axonpush-otel");

export interface AxonPushOtelState {
  /** Set as soon as a start begins, before anything heavy loads, so a second load stays inert. */
  readonly startedBy: "register" | "start";
  sdk?: NodeSDK;
  tracerProvider?: TracerProvider;
  exporter?: AxonPushSpanExporter;
  /** Spans ended but not yet handed to `exporter`, for the exit path (src/exit). */
  pendingSpans?: PendingSpanProcessor;
  /** Signal and exit listeners (part D), removed again by `shutdown()`. */
  exitHandlers?: ExitHandlers;
  config?: AxonPushOtelConfig;
  shutdownTimeoutMs: number;
  /** What the SDK enabled (a later --import needs their module names for the ESM loader). */
  instrumentations?: Instrumentation[];
  /** True once the ESM loader hook is registered (only the --import entry does that). */
  esmHookRegistered: boolean;
  /** How the ES module hooks run, once registered (src/preload/esm-hook.ts); shown in the debug start-up line. */
  esmHooks?: EsmHookKind;
}

type GlobalWithState = typeof globalThis & { [STATE_KEY]?: AxonPushOtelState };

export function getState(): AxonPushOtelState | undefined {
  return (globalThis as GlobalWithState)[STATE_KEY];
}

/** Claims the global slot; returns undefined if someone already holds it. */
export function claimState(startedBy: AxonPushOtelState["startedBy"], shutdownTimeoutMs: number): AxonPushOtelState | undefined {
  const g = globalThis as GlobalWithState;
  if (g[STATE_KEY]) return undefined;
  const state: AxonPushOtelState = { startedBy, shutdownTimeoutMs, esmHookRegistered: false };
  Object.defineProperty(g, STATE_KEY, { value: state, configurable: true, enumerable: false, writable: false });
  return state;
}

/** For `shutdown()`: lets a later `start()` in the same process begin again. */
export function releaseState(state: AxonPushOtelState): void {
  const g = globalThis as GlobalWithState;
  if (g[STATE_KEY] === state) delete g[STATE_KEY];
}
