/**
 * socket.io 2: the upstream instrumentation wraps `on` on
 * `moduleExports.prototype` (socket.io 2 exports its Server class itself).
 * Imported from an ES module it is handed the module namespace, which has
 * no prototype: `import io from "socket.io"` threw `Cannot read properties
 * of undefined (reading 'on')` and the app died at start-up. Here the
 * namespace's default export, the class, is patched. (socket.io 3 and 4 ship
 * an ES module entry with a named `Server` and were not affected.)
 */
import type { InstrumentationPatch } from "./types.js";

export const socketIoPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-socket.io",
  writtenFor: "0.70.0",
  file: "build/src/socket.io.js",
  fixes: "an ES module import of socket.io 2 no longer throws at start-up",
  edits: [
    {
      find: `                if ((0, instrumentation_1.isWrapped)(moduleExports?.prototype?.on)) {
                    this._unwrap(moduleExports.prototype, 'on');
                }
                this._wrap(moduleExports.prototype, 'on', this._patchOn(moduleVersion));
                return moduleExports;
            }, (moduleExports, moduleVersion) => {
                if ((0, instrumentation_1.isWrapped)(moduleExports?.prototype?.on)) {
                    this._unwrap(moduleExports.prototype, 'on');
                }
                return moduleExports;
            }, [namespaceInstrumentationLegacy, socketInstrumentationLegacy]),`,
      replace: `                // axonpush-otel: an ES module import hands over the namespace; the class is its default export.
                const Server = moduleExports[Symbol.toStringTag] === 'Module' ? moduleExports.default : moduleExports;
                if ((0, instrumentation_1.isWrapped)(Server?.prototype?.on)) {
                    this._unwrap(Server.prototype, 'on');
                }
                this._wrap(Server.prototype, 'on', this._patchOn(moduleVersion));
                return moduleExports;
            }, (moduleExports, moduleVersion) => {
                const Server = moduleExports?.[Symbol.toStringTag] === 'Module' ? moduleExports.default : moduleExports;
                if ((0, instrumentation_1.isWrapped)(Server?.prototype?.on)) {
                    this._unwrap(Server.prototype, 'on');
                }
                return moduleExports;
            }, [namespaceInstrumentationLegacy, socketInstrumentationLegacy]),`,
    },
  ],
};
