/**
 * mysql: the upstream instrumentation wraps `createConnection`,
 * `createPool` and `createPoolCluster` on the exports it is handed. Imported
 * from an ES module that is the module namespace, whose named exports are
 * bindings of their own: `import { createPool } from "mysql"` was traced,
 * but `import mysql from "mysql"` (as the package's README writes it) calls
 * the functions of the default export, which stayed unwrapped, and made no
 * mysql span at all. Here both are wrapped.
 */
import type { InstrumentationPatch } from "./types.js";

export const mysqlPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-mysql",
  writtenFor: "0.69.1",
  file: "build/src/instrumentation.js",
  fixes: '`import mysql from "mysql"` in an ES module is traced (the default export is wrapped too)',
  edits: [
    {
      find: `(moduleExports) => {
                if ((0, instrumentation_1.isWrapped)(moduleExports.createConnection)) {
                    this._unwrap(moduleExports, 'createConnection');
                }
                this._wrap(moduleExports, 'createConnection', this._patchCreateConnection());
                if ((0, instrumentation_1.isWrapped)(moduleExports.createPool)) {
                    this._unwrap(moduleExports, 'createPool');
                }
                this._wrap(moduleExports, 'createPool', this._patchCreatePool());
                if ((0, instrumentation_1.isWrapped)(moduleExports.createPoolCluster)) {
                    this._unwrap(moduleExports, 'createPoolCluster');
                }
                this._wrap(moduleExports, 'createPoolCluster', this._patchCreatePoolCluster());
                return moduleExports;
            }, (moduleExports) => {
                if (moduleExports === undefined)
                    return;
                this._unwrap(moduleExports, 'createConnection');
                this._unwrap(moduleExports, 'createPool');
                this._unwrap(moduleExports, 'createPoolCluster');
            }),`,
      replace: `(moduleExports) => {
                // axonpush-otel: an ES module import hands over the namespace, whose named exports are
                // bindings of their own; \`import mysql from "mysql"\` calls the default export's. Wrap both.
                const targets = moduleExports?.[Symbol.toStringTag] === 'Module' && moduleExports.default ? [moduleExports, moduleExports.default] : [moduleExports];
                for (const target of targets) {
                    if ((0, instrumentation_1.isWrapped)(target.createConnection)) {
                        this._unwrap(target, 'createConnection');
                    }
                    this._wrap(target, 'createConnection', this._patchCreateConnection());
                    if ((0, instrumentation_1.isWrapped)(target.createPool)) {
                        this._unwrap(target, 'createPool');
                    }
                    this._wrap(target, 'createPool', this._patchCreatePool());
                    if ((0, instrumentation_1.isWrapped)(target.createPoolCluster)) {
                        this._unwrap(target, 'createPoolCluster');
                    }
                    this._wrap(target, 'createPoolCluster', this._patchCreatePoolCluster());
                }
                return moduleExports;
            }, (moduleExports) => {
                if (moduleExports === undefined)
                    return;
                const targets = moduleExports?.[Symbol.toStringTag] === 'Module' && moduleExports.default ? [moduleExports, moduleExports.default] : [moduleExports];
                for (const target of targets) {
                    this._unwrap(target, 'createConnection');
                    this._unwrap(target, 'createPool');
                    this._unwrap(target, 'createPoolCluster');
                }
            }),`,
    },
  ],
};
