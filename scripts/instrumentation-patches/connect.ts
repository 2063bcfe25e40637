/**
 * connect: `app.use(route, handler)` looks at the handler it is given before
 * storing it: a sub-app (it has `handle`) is wrapped and told its mount path
 * (`sub.route`), an http.Server is replaced by its "request" listener. The
 * upstream instrumentation replaces the handler before connect looks, so a
 * mounted http.Server is never run (404) and a sub-app keeps `route === "/"`.
 * Here connect sees the handler as given, and the instrumentation wraps the
 * layer connect stored; spans keep the name of the handler the app passed.
 *
 * Also: under the ES module loader the instrumentation is handed the module
 * namespace, not the function, and replaced it with a wrapper calling the
 * namespace, so `import connect from "connect"; connect()` threw
 * `original.apply is not a function`. Here the namespace's default export is
 * wrapped instead.
 */
import type { InstrumentationPatch } from "./types.js";

export const connectPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-connect",
  writtenFor: "0.66.0",
  file: "build/src/instrumentation.js",
  fixes: "connect inspects the handler it is given (mounted http.Server, sub-app route); ES module import",
  edits: [
    {
      find: `moduleExports => {
                return this._patchConstructor(moduleExports);
            }),`,
      replace: `moduleExports => {
                // axonpush-otel: an ES module import hands over the namespace; wrap its default export.
                if (moduleExports?.[Symbol.toStringTag] === 'Module') {
                    moduleExports.default = this._patchConstructor(moduleExports.default);
                    return moduleExports;
                }
                return this._patchConstructor(moduleExports);
            }),`,
    },
    {
      find: "    _patchMiddleware(routeName, middleWare) {",
      replace: "    _patchMiddleware(routeName, middleWare, namedAfter = middleWare) {",
    },
    {
      find: "            const span = instrumentation._startSpan(routeName, middleWare);",
      replace: "            const span = instrumentation._startSpan(routeName, namedAfter);",
    },
    {
      find: `            args[args.length - 1] = instrumentation._patchMiddleware(routeName, middleWare);
            return original.apply(this, args);`,
      replace: `            // axonpush-otel: connect inspects the handler it is given (a sub-app's
            // \`handle\`, an http.Server) and stores what it will call; wrap that.
            const stack = Array.isArray(this.stack) ? this.stack : undefined;
            const depth = stack ? stack.length : 0;
            const result = original.apply(this, args);
            const layer = stack && stack.length === depth + 1 ? stack[depth] : undefined;
            if (layer && typeof layer.handle === 'function') {
                layer.handle = instrumentation._patchMiddleware(routeName, layer.handle, typeof middleWare === 'function' ? middleWare : layer.handle);
            }
            return result;`,
    },
  ],
};
