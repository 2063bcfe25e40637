/**
 * One instrumentation (of auto-instrumentations-node, or one we add beside
 * it), as the generated table describes it (see
 * scripts/generate-instrumentation-table.mjs).
 */
import type { Instrumentation } from "@opentelemetry/instrumentation";

export type InstrumentationClass = new (config?: Record<string, unknown>) => Instrumentation;

export interface InstrumentationSpec {
  /** Short name, as OTEL_NODE_ENABLED_INSTRUMENTATIONS spells it (`pg`, `socket.io`). */
  readonly name: string;
  /** `@opentelemetry/instrumentation-<name>`, or e.g. `@fastify/otel`. */
  readonly packageName: string;
  /** The class to construct from that package (the one getNodeAutoInstrumentations constructs). */
  readonly exportName: string;
  /**
   * Module names its definitions patch (`pg`, `pg-pool`, `http`, `dns/promises`);
   * for one that patches nothing but must exist before its library is used
   * (@fastify/otel), the library's name.
   * Empty when it patches no module by name (undici listens on diagnostics
   * channels, runtime-node reads perf hooks, aws-lambda finds its handler at
   * run time): those are constructed at start, as before.
   */
  readonly targets: readonly string[];
}
