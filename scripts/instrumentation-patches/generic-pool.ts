/**
 * generic-pool before 2.4: the upstream instrumentation replaces `Pool` on
 * the exports it is handed. Imported from an ES module that is the module
 * namespace, whose named exports are bindings of their own:
 * `import genericPool from "generic-pool"` calls the default export's
 * `Pool`, which stayed unwrapped, and acquiring made no span. Here both are
 * wrapped. (2.4 and later are patched on `Pool.prototype`, which both share.)
 */
import type { InstrumentationPatch } from "./types.js";

export const genericPoolPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-generic-pool",
  writtenFor: "0.66.0",
  file: "build/src/instrumentation.js",
  fixes: "generic-pool < 2.4 imported by default in an ES module is traced (the default export is wrapped too)",
  edits: [
    {
      find: `                this._isDisabled = false;
                if ((0, instrumentation_1.isWrapped)(moduleExports.Pool)) {
                    this._unwrap(moduleExports, 'Pool');
                }
                this._wrap(moduleExports, 'Pool', this._poolWrapper.bind(this));
                return moduleExports;`,
      replace: `                this._isDisabled = false;
                // axonpush-otel: an ES module import hands over the namespace, whose named exports are
                // bindings of their own; \`import genericPool from "generic-pool"\` calls the default export's.
                const targets = moduleExports?.[Symbol.toStringTag] === 'Module' && moduleExports.default ? [moduleExports, moduleExports.default] : [moduleExports];
                for (const target of targets) {
                    if ((0, instrumentation_1.isWrapped)(target.Pool)) {
                        this._unwrap(target, 'Pool');
                    }
                    this._wrap(target, 'Pool', this._poolWrapper.bind(this));
                }
                return moduleExports;`,
    },
  ],
};
