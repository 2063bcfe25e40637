/**
 * redis 2 and 3 (node-redis before 4). Its index requires its own files,
 * which require the index back (`require('../')`) while it is still loading.
 * - Imported from an ES module, the package is loaded without going through
 *   `require`, so that inner `require('../')` was the first require of
 *   `redis` the hook saw: it patched the half-built exports (no
 *   `RedisClient` yet) and threw `Cannot read properties of undefined
 *   (reading 'prototype')`, killing the app at start-up. Here half-built
 *   exports are left alone; the import itself is patched once loaded.
 * - That import hands over the module namespace: `RedisClient.prototype` is
 *   shared, but `createClient` (which binds the client's events to the
 *   caller's context) was wrapped only as a named export, not on the default
 *   export `import redis from "redis"` uses. Here both are wrapped.
 */
import type { InstrumentationPatch } from "./types.js";

export const redisPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-redis",
  writtenFor: "0.71.0",
  file: "build/src/v2-v3/instrumentation.js",
  fixes: "an ES module import of redis 2/3 no longer throws at start-up, and its default export's createClient is wrapped",
  edits: [
    {
      find: `            new instrumentation_1.InstrumentationNodeModuleDefinition('redis', ['>=2.6.0 <4'], moduleExports => {
                if ((0, instrumentation_1.isWrapped)(moduleExports.RedisClient.prototype['internal_send_command'])) {`,
      replace: `            new instrumentation_1.InstrumentationNodeModuleDefinition('redis', ['>=2.6.0 <4'], moduleExports => {
                // axonpush-otel: exports still loading (its files require the index back) have no
                // RedisClient yet; the import of the finished module comes back here. Asked with
                // hasOwnProperty: reading a missing property of exports still loading makes Node warn.
                if (!moduleExports || !Object.prototype.hasOwnProperty.call(moduleExports, 'RedisClient')) {
                    return moduleExports;
                }
                // axonpush-otel: an ES module import hands over the namespace, whose named exports are
                // bindings of their own; \`import redis from "redis"\` calls the default export's createClient.
                const defaultExport = moduleExports[Symbol.toStringTag] === 'Module' ? moduleExports.default : undefined;
                if (defaultExport && typeof defaultExport.createClient === 'function') {
                    if ((0, instrumentation_1.isWrapped)(defaultExport.createClient)) {
                        this._unwrap(defaultExport, 'createClient');
                    }
                    this._wrap(defaultExport, 'createClient', this._getPatchCreateClient());
                }
                if ((0, instrumentation_1.isWrapped)(moduleExports.RedisClient.prototype['internal_send_command'])) {`,
    },
    {
      find: `            }, moduleExports => {
                if (moduleExports === undefined)
                    return;
                this._unwrap(moduleExports.RedisClient.prototype, 'internal_send_command');`,
      replace: `            }, moduleExports => {
                if (moduleExports === undefined || !Object.prototype.hasOwnProperty.call(moduleExports, 'RedisClient'))
                    return;
                if (moduleExports[Symbol.toStringTag] === 'Module' && moduleExports.default) {
                    this._unwrap(moduleExports.default, 'createClient');
                }
                this._unwrap(moduleExports.RedisClient.prototype, 'internal_send_command');`,
    },
  ],
};
