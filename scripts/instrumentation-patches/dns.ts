/**
 * dns: the upstream instrumentation wraps `lookup` on the exports it is
 * handed. Imported from an ES module that is the module namespace, whose
 * named exports are bindings of their own: `import { lookup } from
 * "node:dns"` was traced, but `import dns from "node:dns"; dns.lookup(...)`
 * (and the same of `node:dns/promises`) called the module's own function,
 * which stayed unwrapped unless some CommonJS code had required `dns`.
 * Here the default export is wrapped too.
 */
import type { InstrumentationPatch } from "./types.js";

export const dnsPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-dns",
  writtenFor: "0.66.0",
  file: "build/src/instrumentation.js",
  fixes: '`import dns from "node:dns"` (and node:dns/promises) in an ES module is traced (the default export is wrapped too)',
  edits: [
    {
      find: `                this._wrap(moduleExports.promises, 'lookup', 
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                this._getLookup());
                return moduleExports;`,
      replace: `                this._wrap(moduleExports.promises, 'lookup', 
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                this._getLookup());
                this._wrapDefaultExportLookup(moduleExports);
                return moduleExports;`,
    },
    {
      find: `                this._unwrap(moduleExports, 'lookup');
                this._unwrap(moduleExports.promises, 'lookup');
            }),`,
      replace: `                this._unwrap(moduleExports, 'lookup');
                this._unwrap(moduleExports.promises, 'lookup');
                this._unwrapDefaultExportLookup(moduleExports);
            }),`,
    },
    {
      find: `                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                this._wrap(moduleExports, 'lookup', this._getLookup());
                return moduleExports;
            }, moduleExports => {
                if (moduleExports === undefined)
                    return;
                this._unwrap(moduleExports, 'lookup');
            }),`,
      replace: `                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                this._wrap(moduleExports, 'lookup', this._getLookup());
                this._wrapDefaultExportLookup(moduleExports);
                return moduleExports;
            }, moduleExports => {
                if (moduleExports === undefined)
                    return;
                this._unwrap(moduleExports, 'lookup');
                this._unwrapDefaultExportLookup(moduleExports);
            }),`,
    },
    {
      find: `    /**
     * Get the patched lookup function
     */`,
      replace: `    /**
     * axonpush-otel: an ES module import hands over the namespace, whose named exports are
     * bindings of their own; \`import dns from "node:dns"\` calls the default export's lookup.
     */
    _wrapDefaultExportLookup(moduleExports) {
        if (moduleExports[Symbol.toStringTag] !== 'Module' || typeof moduleExports.default?.lookup !== 'function')
            return;
        if ((0, instrumentation_1.isWrapped)(moduleExports.default.lookup)) {
            this._unwrap(moduleExports.default, 'lookup');
        }
        this._wrap(moduleExports.default, 'lookup', this._getLookup());
    }
    _unwrapDefaultExportLookup(moduleExports) {
        if (moduleExports?.[Symbol.toStringTag] === 'Module' && moduleExports.default)
            this._unwrap(moduleExports.default, 'lookup');
    }
    /**
     * Get the patched lookup function
     */`,
    },
  ],
};
