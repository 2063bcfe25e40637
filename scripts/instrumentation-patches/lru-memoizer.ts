/**
 * lru-memoizer: the upstream instrumentation replaces the package's export
 * (a function making memoizers) by one that calls it with
 * `moduleExports.apply(...)`. Imported from an ES module it is handed the
 * module namespace, and the replacement became the namespace's default
 * export: `import memoizer from "lru-memoizer"; memoizer({...})` threw
 * `moduleExports.apply is not a function`. Here the namespace's default
 * export, the function itself, is what gets called.
 */
import type { InstrumentationPatch } from "./types.js";

export const lruMemoizerPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-lru-memoizer",
  writtenFor: "0.67.0",
  file: "build/src/instrumentation.js",
  fixes: "an ES module's default import of lru-memoizer no longer throws when called",
  edits: [
    {
      find: `new instrumentation_1.InstrumentationNodeModuleDefinition('lru-memoizer', ['>=1.3 <4'], moduleExports => {`,
      replace: `new instrumentation_1.InstrumentationNodeModuleDefinition('lru-memoizer', ['>=1.3 <4'], module => {
                // axonpush-otel: an ES module import hands over the namespace; the function is its default export.
                const moduleExports = module?.[Symbol.toStringTag] === 'Module' ? module.default : module;`,
    },
  ],
};
