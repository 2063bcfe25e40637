/**
 * koa: `app.use(x)` throws Koa's own `TypeError: middleware must be a
 * function!` for anything but a function. The upstream instrumentation reads
 * `x.router` and marks `x` first, so `null` and `undefined` throw "Cannot read
 * properties of null (reading 'router')", numbers and strings throw from the
 * marking, and a plain object is wrapped and accepted. Here a non-function
 * goes straight to Koa.
 */
import type { InstrumentationPatch } from "./types.js";

export const koaPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-koa",
  writtenFor: "0.71.0",
  file: "build/src/instrumentation.js",
  fixes: "app.use() of a non-function fails with Koa's own error",
  edits: [
    {
      find: `        return function use(middlewareFunction) {
            let patchedFunction;`,
      replace: `        return function use(middlewareFunction) {
            // axonpush-otel: Koa refuses anything but a function, with its own error.
            if (typeof middlewareFunction !== 'function') {
                return original.apply(this, arguments);
            }
            let patchedFunction;`,
    },
  ],
};
