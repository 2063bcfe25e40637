/**
 * One instrumentation of auto-instrumentations-node, as the generated table
 * describes it (see scripts/generate-instrumentation-table.mjs).
 */
import type { Instrumentation } from "@opentelemetry/instrumentation";

export type InstrumentationClass = new (config?: Record<string, unknown>) => Instrumentation;

export interface InstrumentationSpec {
  /** Short name, as OTEL_NODE_ENABLED_INSTRUMENTATIONS spells it (`pg`, `socket.io`). */
  readonly name: string;
  /** `@opentelemetry/instrumentation-<name>`. */
  readonly packageName: string;
  /** The class getNodeAutoInstrumentations constructs from that package. */
  readonly exportName: string;
  /**
   * Module names its definitions patch (`pg`, `pg-pool`, `http`, `dns/promises`).
   * Empty when it patches no module by name (undici listens on diagnostics
   * channels, runtime-node reads perf hooks, aws-lambda finds its handler at
   * run time): those are constructed at start, as before.
   */
  readonly targets: readonly string[];
}
