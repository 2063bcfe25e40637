/**
 * The light half of starting: decide whether to trace at all, and with what
 * configuration, using only Node built-ins, dotenv and our config module.
 * Nothing from OpenTelemetry is loaded here, so an inert preload (worker
 * thread, package manager, disabled, no API key) costs almost nothing.
 */
import { isMainThread } from "node:worker_threads";
import { mergeWithDotEnv } from "../config/dotenv.js";
import { missingRequired, resolveConfig } from "../config/resolve.js";
import { reportToStderr, type Reporter } from "../config/report.js";
import type { AxonPushOtelConfig, StartOptions } from "../config/types.js";
import { inertReason, type InertReason } from "./guards.js";
import { claimState, getState, type AxonPushOtelState } from "./state.js";

export type Plan =
  | { readonly go: true; readonly config: AxonPushOtelConfig; readonly state: AxonPushOtelState; readonly report: Reporter }
  | { readonly go: false; readonly why: InertReason | "disabled" | "not-configured" | "failed" };

export interface PlanInputs {
  startedBy: AxonPushOtelState["startedBy"];
  options?: StartOptions;
  report?: Reporter;
  cwd?: string;
}

/** Never throws: a failure here is one stderr line and an untraced app. */
export function planStart(inputs: PlanInputs): Plan {
  const report = inputs.report ?? reportToStderr;
  try {
    return decide(inputs, report);
  } catch (error) {
    report(`could not read the configuration (${error instanceof Error ? error.message : String(error)}); the application runs untraced.`);
    return { go: false, why: "failed" };
  }
}

/**
 * Set by the first preload entry that ran, whatever it decided, so a second
 * one (`-r` plus `--import`) repeats neither the decision nor its warnings.
 * `start()` ignores it: code may start what the environment could not.
 */
const PRELOAD_DECIDED = Symbol.for("axonpush-otel.preload-decided");
type GlobalWithDecision = typeof globalThis & { [PRELOAD_DECIDED]?: true };

function decide(inputs: PlanInputs, report: Reporter): Plan {
  const baseEnv = inputs.options?.env ?? process.env;
  const g = globalThis as GlobalWithDecision;
  const secondPreload = inputs.startedBy === "register" && g[PRELOAD_DECIDED] === true;
  if (inputs.startedBy === "register") g[PRELOAD_DECIDED] = true;
  const reason = inertReason({
    isMainThread,
    alreadyStarted: getState() !== undefined || secondPreload,
    argv1: process.argv[1],
    env: baseEnv,
  });
  if (reason) return { go: false, why: reason };

  const cwd = inputs.cwd ?? process.cwd();
  const config = resolveConfig({ env: mergeWithDotEnv(baseEnv, cwd), options: inputs.options, report, cwd });
  if (config.disabled) return { go: false, why: "disabled" };

  const missing = missingRequired(config);
  if (missing.length > 0) {
    const others = config.extraTraceExporters.length > 0;
    const pronoun = missing.length === 1 ? "it" : "them";
    report(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: ` +
        (others
          ? `nothing is sent to AxonPush; spans still go to ${config.extraTraceExporters.join(", ")}.`
          : `the application runs untraced. Set ${pronoun} (or OTEL_TRACES_EXPORTER) to trace it.`),
    );
    if (!others) return { go: false, why: "not-configured" };
  }

  const state = claimState(inputs.startedBy, config.shutdownTimeoutMs);
  if (!state) return { go: false, why: "already-started" };
  state.config = config;
  return { go: true, config, state, report };
}
