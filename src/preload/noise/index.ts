/**
 * No traces made of noise, by default: requests from health checkers and to
 * AXONPUSH_IGNORE_PATHS are not traced, nor is what they do
 * (incoming-requests.ts); dns and net spans are kept only inside a trace
 * (parent-only-tracer.ts). Each is counted, and said with AXONPUSH_DEBUG=true
 * (left-out.ts). Applied to the instrumentations as they are built
 * (src/preload/instrumentations.ts).
 */
import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { Reporter } from "../../config/report.js";
import type { NoiseConfig } from "../../config/types.js";
import { ignoreIncomingRequestHook } from "./incoming-requests.js";
import { LeftOutCounter } from "./left-out.js";
import { parentOnlyTracerProvider } from "./parent-only-tracer.js";

export { PROBE_USER_AGENTS } from "./probe-user-agents.js";
export { LeftOutCounter } from "./left-out.js";

/** Instrumentations whose spans are kept only inside a trace. */
const PARENT_ONLY = new Set(["dns", "net"]);

export interface NoiseFilter {
  readonly leftOut: LeftOutCounter;
  /** Config to add to an instrumentation's, by short name. */
  configOf(name: string): Record<string, unknown>;
  /** Called with each instrumentation right after it is constructed. */
  adapt(name: string, instrumentation: Instrumentation): void;
}

export interface NoiseFilterOptions {
  /** With AXONPUSH_DEBUG on: say what is left out, and the totals at exit. */
  debugReport?: Reporter;
}

export function createNoiseFilter(noise: NoiseConfig, options: NoiseFilterOptions = {}): NoiseFilter {
  const leftOut = new LeftOutCounter(options.debugReport);
  const ignoreRequest = ignoreIncomingRequestHook(noise, leftOut);
  const parentOnly = noise.traceOrphanDnsNet ? undefined : parentOnlyTracerProvider((spanName) => leftOut.count("orphanDnsNet", () => spanName));
  if (options.debugReport) reportTotalsAtExit(leftOut, options.debugReport);
  return {
    leftOut,
    configOf: (name) => (name === "http" && ignoreRequest ? { ignoreIncomingRequestHook: ignoreRequest } : {}),
    adapt(name, instrumentation) {
      if (parentOnly && PARENT_ONLY.has(name)) instrumentation.setTracerProvider(parentOnly);
    },
  };
}

function reportTotalsAtExit(leftOut: LeftOutCounter, report: Reporter): void {
  process.once("exit", () => {
    const summary = leftOut.summary();
    if (summary) report(summary);
  });
}
