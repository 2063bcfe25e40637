/**
 * What the preload adds to the framework instrumentations' defaults, so each
 * framework gets one span per real step, named after it:
 *
 * - fastify (@fastify/otel): `registerOnInitialization`, so it plugs itself
 *   into every Fastify instance as it is created (Fastify's
 *   `fastify.initialization` diagnostics channel); the app registers nothing.
 * - express: Express 5 route spans named after their route, as Express 4's
 *   are (the instrumentation reads the path from the layer, which router 2
 *   leaves unset, so they came out as a bare `request handler`).
 * - router: beside an enabled express instrumentation, it steps aside for the
 *   layers Express traces (router-beside-express.ts).
 */
import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { ExpressInstrumentationConfig } from "@opentelemetry/instrumentation-express";
import { RouterBesideExpress } from "./router-beside-express.js";

type SpanNameHook = NonNullable<ExpressInstrumentationConfig["spanNameHook"]>;

/** Express 5: `request handler` becomes `request handler - /api/users/:id`; any other name is kept. */
export const nameRouteSpans: SpanNameHook = (info, defaultName) =>
  defaultName === "request handler" && String(info.layerType) === "request_handler" ? `request handler - ${info.route || "/"}` : defaultName;

/** Config added to the one getNodeAutoInstrumentations would give, by short name. */
export function frameworkConfigOf(name: string): Record<string, unknown> {
  if (name === "fastify") return { registerOnInitialization: true };
  if (name === "express") return { spanNameHook: nameRouteSpans };
  return {};
}

/** Built right after the named instrumentation (their module hooks must run after its own). */
export function companionsOf(name: string, enabled: readonly string[]): Instrumentation[] {
  if (name === "router" && enabled.includes("express")) return [new RouterBesideExpress()];
  return [];
}
