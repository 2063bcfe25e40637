/**
 * A synchronous `require` for the heavy OpenTelemetry packages, so they load
 * when tracing really starts, not when `axonpush-otel` is imported (an app
 * that only uses the exporter must not pay for the SDK and forty
 * instrumentations). Works in the ESM and CJS builds and under vitest: the
 * packages are CommonJS, so `require` and `import` load the same files.
 */
import { createRequire } from "node:module";

// In the CJS build `__filename` exists; in ESM, `import.meta.url` does.
export const requireLazily: NodeJS.Require = createRequire(typeof __filename === "string" ? __filename : import.meta.url);
