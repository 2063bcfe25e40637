/**
 * @grpc/grpc-js: the upstream instrumentation wraps `makeClientConstructor`,
 * `makeGenericClientConstructor` and `loadPackageDefinition` on the exports
 * it is handed, so that the clients they make start a CLIENT span and send
 * the trace context. Imported from an ES module that is the module
 * namespace, whose named exports are bindings of their own:
 * `import grpc from "@grpc/grpc-js"` calls the default export's functions,
 * which stayed unwrapped; its calls made no client span and the server
 * started a new trace. Here the default export is wrapped too.
 */
import type { InstrumentationPatch } from "./types.js";

export const grpcPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-grpc",
  writtenFor: "0.223.0",
  file: "build/src/instrumentation.js",
  fixes: '`import grpc from "@grpc/grpc-js"` in an ES module makes client spans (the default export is wrapped too)',
  edits: [
    {
      find: `                this._wrap(moduleExports, 'loadPackageDefinition', this._patchLoadPackageDefinition(moduleExports));`,
      replace: `                this._wrap(moduleExports, 'loadPackageDefinition', this._patchLoadPackageDefinition(moduleExports));
                // axonpush-otel: an ES module import hands over the namespace, whose named exports are
                // bindings of their own; \`import grpc from "@grpc/grpc-js"\` calls the default export's.
                if (moduleExports[Symbol.toStringTag] === 'Module' && moduleExports.default) {
                    this._wrap(moduleExports.default, 'makeGenericClientConstructor', this._patchClient(moduleExports));
                    this._wrap(moduleExports.default, 'makeClientConstructor', this._patchClient(moduleExports));
                    this._wrap(moduleExports.default, 'loadPackageDefinition', this._patchLoadPackageDefinition(moduleExports));
                }`,
    },
    {
      find: `                this._unwrap(moduleExports, 'loadPackageDefinition');`,
      replace: `                this._unwrap(moduleExports, 'loadPackageDefinition');
                if (moduleExports[Symbol.toStringTag] === 'Module' && moduleExports.default) {
                    this._unwrap(moduleExports.default, 'makeClientConstructor');
                    this._unwrap(moduleExports.default, 'makeGenericClientConstructor');
                    this._unwrap(moduleExports.default, 'loadPackageDefinition');
                }`,
    },
  ],
};
