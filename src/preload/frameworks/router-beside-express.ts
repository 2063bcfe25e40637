/**
 * Express 5 is built on the `router` package, and two instrumentations trace
 * it: the express instrumentation wraps each layer Express's routers hold
 * (through `Router.prototype.use` / `route`), and the router instrumentation
 * wraps `Layer.prototype.handleRequest`, around the first. Every layer then
 * got two spans, the router's one named after the express wrapper
 * (`middleware - patched`), and each route's handler a second copy.
 *
 * This hook, constructed right after the router instrumentation, steps it
 * aside for what the express instrumentation traces: a layer whose handle it
 * wrapped, and the handlers of a route whose layer it wrapped. The router
 * package used without Express keeps its router spans, and so do error
 * handlers (the express instrumentation never traces those; they go through
 * `handleError`, which stays as it is).
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile, isWrapped } from "@opentelemetry/instrumentation";
import { PACKAGE_VERSION } from "../version.js";

type HandleRequest = (this: RouterLayer, req: RoutedRequest, res: unknown, next: unknown) => unknown;

interface RouterLayer {
  handle: unknown;
  /** Set on the layer that dispatches to a route (router 2). */
  route?: object;
  /** Set on the layers inside a route (one per method handler). */
  method?: string;
}

interface RoutedRequest {
  route?: object;
}

interface LayerClass {
  prototype: { handleRequest: HandleRequest };
}

/** Router 2 is Express 5's; Express 4 carries its own router and is left alone. */
const EXPRESS_ROUTER_VERSIONS = [">=2.0.0 <3"];

export class RouterBesideExpress extends InstrumentationBase {
  private readonly undo = new WeakMap<object, () => void>();

  constructor(config: { enabled?: boolean } = {}) {
    super("axonpush-otel-router-beside-express", PACKAGE_VERSION, config);
  }

  protected init() {
    const layerFile = new InstrumentationNodeModuleFile(
      "router/lib/layer.js",
      EXPRESS_ROUTER_VERSIONS,
      (Layer: LayerClass) => {
        const undo = stepAsideForExpress(Layer.prototype);
        if (undo) this.undo.set(Layer.prototype, undo);
        return Layer;
      },
      (Layer: LayerClass) => {
        this.undo.get(Layer.prototype)?.();
        this.undo.delete(Layer.prototype);
        return Layer;
      },
    );
    return new InstrumentationNodeModuleDefinition("router", EXPRESS_ROUTER_VERSIONS, (exports: unknown) => exports, undefined, [layerFile]);
  }
}

/**
 * Puts a dispatcher in front of the router instrumentation's wrapper
 * (`traced`, whose `__original` is router's own code). Not with `_wrap`:
 * that unwraps whatever is there first, which would remove the router
 * instrumentation. Returns how to undo it, or nothing when there was no
 * router instrumentation to step aside from.
 */
function stepAsideForExpress(prototype: LayerClass["prototype"]): (() => void) | undefined {
  const traced = prototype.handleRequest;
  const untraced = (traced as HandleRequest & { __original?: HandleRequest }).__original;
  if (!isWrapped(traced) || typeof untraced !== "function") return undefined;
  // Routes whose dispatching layer Express traces (as `request handler - <route>`).
  const routesExpressTraces = new WeakSet<object>();
  const handleRequest: HandleRequest = function handleRequest(this: RouterLayer, req, res, next) {
    if (isWrapped(this.handle)) {
      if (this.route) routesExpressTraces.add(this.route);
      return untraced.call(this, req, res, next);
    }
    if (this.method !== undefined && req?.route && routesExpressTraces.has(req.route)) return untraced.call(this, req, res, next);
    return traced.call(this, req, res, next);
  };
  // Shaped as a wrapper of router's own code, so the router instrumentation
  // unwrapping itself (disable, re-patch) removes this as well.
  Object.defineProperties(handleRequest, {
    __original: { value: untraced },
    __wrapped: { value: true },
    __unwrap: { value: () => (prototype.handleRequest = untraced) },
  });
  prototype.handleRequest = handleRequest;
  return () => {
    if (prototype.handleRequest === handleRequest) prototype.handleRequest = traced;
  };
}
