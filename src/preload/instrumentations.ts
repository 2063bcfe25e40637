/**
 * Builds the instrumentations: every one from auto-instrumentations-node with
 * its defaults (fs off), plus @fastify/otel (`fastify`), with what
 * src/preload/frameworks adds for framework spans, filtered by OTEL_NODE_ENABLED_INSTRUMENTATIONS /
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS as read from our merged environment,
 * and with what src/preload/noise leaves out (health checks, dns/net spans
 * without a parent); those that could do nothing here are left out
 * (src/preload/not-needed.ts).
 * Constructing an instrumentation patches modules, so nothing calls this
 * unless tracing will really happen. Each one is required and constructed
 * only when a module it patches is first loaded (src/preload/lazy).
 */
import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { AxonPushOtelConfig } from "../config/types.js";
import type { Reporter } from "../config/report.js";
import { KNOWN_INSTRUMENTATIONS, LOG_LIBRARIES, OFF_BY_DEFAULT } from "./instrumentation-names.js";
import { companionsOf, frameworkConfigOf } from "./frameworks/index.js";
import { startLazyInstrumentations } from "./lazy/index.js";
import { createNoiseFilter } from "./noise/index.js";
import { notNeededHere } from "./not-needed.js";

export interface InstrumentationChoice {
  enabled: string[];
  unknown: string[];
}

/** Which short names are on; pure, so the unit tests can check every rule. */
export function chooseInstrumentations(
  config: Pick<AxonPushOtelConfig, "enabledInstrumentations" | "disabledInstrumentations">,
): InstrumentationChoice {
  const known = new Set<string>(KNOWN_INSTRUMENTATIONS);
  const named = [...(config.enabledInstrumentations ?? []), ...config.disabledInstrumentations];
  const unknown = [...new Set(named.filter((name) => !known.has(name)))];
  const base = config.enabledInstrumentations
    ? KNOWN_INSTRUMENTATIONS.filter((name) => config.enabledInstrumentations!.includes(name))
    : KNOWN_INSTRUMENTATIONS.filter((name) => !OFF_BY_DEFAULT.includes(name));
  const enabled = base.filter((name) => !config.disabledInstrumentations.includes(name));
  return { enabled, unknown };
}

export interface CreateInstrumentationsOptions {
  report: Reporter;
  /** False unless OTEL_LOGS_EXPORTER asks for logs: then log libraries only get trace ids injected. */
  sendLogRecords: boolean;
}

export type InstrumentationsToStart = InstrumentationChoice & { notNeeded: Record<string, string> };

/** The instrumentations to start here: those chosen, less those that could do nothing in this process. */
export function instrumentationsToStart(
  config: Pick<AxonPushOtelConfig, "enabledInstrumentations" | "disabledInstrumentations">,
  env: NodeJS.ProcessEnv = process.env,
): InstrumentationsToStart {
  const choice = chooseInstrumentations(config);
  const notNeeded = notNeededHere(choice.enabled, env);
  return { ...choice, enabled: choice.enabled.filter((name) => !(name in notNeeded)), notNeeded };
}

/** `choice`: `instrumentationsToStart(config)`. */
export function createInstrumentations(config: AxonPushOtelConfig, choice: InstrumentationsToStart, options: CreateInstrumentationsOptions): Instrumentation[] {
  const { enabled, unknown } = choice;
  if (unknown.length > 0) {
    options.report(
      `OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS must name known instrumentations ` +
        `(e.g. http,express,pg), got unknown ${JSON.stringify(unknown.join(","))}; ignoring ${unknown.length === 1 ? "it" : "them"}.`,
    );
  }
  const noise = createNoiseFilter(config.noise, { debugReport: config.debug ? options.report : undefined });
  // Every known name gets an explicit `enabled`, so the package's own reading of
  // process.env cannot disagree with ours (which includes `.env`).
  const inputs: Record<string, Record<string, unknown>> = {};
  for (const name of KNOWN_INSTRUMENTATIONS) {
    inputs[name] = { ...frameworkConfigOf(name), ...noise.configOf(name), enabled: enabled.includes(name) };
    if (LOG_LIBRARIES.includes(name) && !options.sendLogRecords) inputs[name]!.disableLogSending = true;
  }
  // The config getNodeAutoInstrumentations would give each one; only those that
  // patch no module by name are constructed now, the others on first load.
  return startLazyInstrumentations(
    enabled,
    (spec) => ({ ...inputs[spec.name] }),
    (spec) => companionsOf(spec.name, enabled),
    (spec, instance) => noise.adapt(spec.name, instance),
  ).eager;
}
