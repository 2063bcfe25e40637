/**
 * The packages the preload bundle shares with its lazily loaded pieces
 * (dist/lazy/*.cjs: one file per instrumentation, one for the exporters and
 * detectors nobody configured). Those pieces are built with these packages
 * left out and fetch them from here, so the process holds ONE copy of each:
 * one @opentelemetry/api global registration, one context manager key, one
 * require-in-the-middle singleton, one suppress-tracing key.
 *
 * Only the bundle uses this (its build redirects the pieces' imports here);
 * each getter is a literal require, so the bundle includes the package once.
 */
const SHARED_MODULES: Readonly<Record<string, () => unknown>> = {
  "@opentelemetry/api": () => require("@opentelemetry/api"),
  "@opentelemetry/api-logs": () => require("@opentelemetry/api-logs"),
  "@opentelemetry/core": () => require("@opentelemetry/core"),
  "@opentelemetry/instrumentation": () => require("@opentelemetry/instrumentation"),
  "@opentelemetry/resources": () => require("@opentelemetry/resources"),
  "@opentelemetry/sdk-logs": () => require("@opentelemetry/sdk-logs"),
  "@opentelemetry/sdk-trace-base": () => require("@opentelemetry/sdk-trace-base"),
  "@opentelemetry/semantic-conventions": () => require("@opentelemetry/semantic-conventions"),
};

export const SHARED_MODULE_NAMES: readonly string[] = Object.keys(SHARED_MODULES);

export function sharedModule(specifier: string): unknown {
  const load = SHARED_MODULES[specifier];
  if (!load) throw new Error(`axonpush-otel: ${specifier} is not shared by the preload bundle`);
  return load();
}
