/**
 * memcached: the upstream instrumentation wraps `command` on
 * `moduleExports.prototype`. Imported from an ES module it is handed the
 * module namespace, which has no prototype: `import Memcached from
 * "memcached"` threw `Cannot read properties of undefined (reading
 * 'command')` and the app died at start-up. Here the namespace's default
 * export, the client class itself, is patched.
 */
import type { InstrumentationPatch } from "./types.js";

export const memcachedPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-memcached",
  writtenFor: "0.66.0",
  file: "build/src/instrumentation.js",
  fixes: "an ES module import of memcached no longer throws at start-up",
  edits: [
    {
      find: `(moduleExports, moduleVersion) => {
                this.ensureWrapped(moduleExports.prototype, 'command', this.wrapCommand.bind(this, moduleVersion));
                return moduleExports;
            }, (moduleExports) => {
                if (moduleExports === undefined)
                    return;
                // \`command\` is documented API missing from the types
                this._unwrap(moduleExports.prototype, 'command');
            }),`,
      replace: `(moduleExports, moduleVersion) => {
                // axonpush-otel: an ES module import hands over the namespace; the class is its default export.
                const Memcached = moduleExports?.[Symbol.toStringTag] === 'Module' ? moduleExports.default : moduleExports;
                this.ensureWrapped(Memcached.prototype, 'command', this.wrapCommand.bind(this, moduleVersion));
                return moduleExports;
            }, (moduleExports) => {
                if (moduleExports === undefined)
                    return;
                const Memcached = moduleExports?.[Symbol.toStringTag] === 'Module' ? moduleExports.default : moduleExports;
                // \`command\` is documented API missing from the types
                this._unwrap(Memcached.prototype, 'command');
            }),`,
    },
  ],
};
