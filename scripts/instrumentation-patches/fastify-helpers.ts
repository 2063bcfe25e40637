/**
 * The functions scripts/instrumentation-patches/fastify.ts adds to
 * @fastify/otel's plugin (plain JavaScript in the style of its file, inserted
 * after the plugin's `done()`), kept apart from the edits so each reads on
 * its own.
 */

/** Wrappers shaped like what they wrap; errors recorded without touching what was thrown. */
export const WRAPPER_HELPERS = `
      // axonpush-otel: Fastify inspects a hook's arity and whether it is an async
      // function (an async hook that also takes \`done\` is refused), and shows its
      // name in printRoutes(); a wrapper keeps all three.
      function shapedLike (original, body) {
        const shaped = isAsyncFunction(original) && !isGeneratorFunction(original)
          ? async function (...args) { return body.apply(this, args) }
          : function (...args) { return body.apply(this, args) }
        Object.defineProperty(shaped, 'length', { value: original.length })
        Object.defineProperty(shaped, 'name', { value: original.name })
        return shaped
      }

      // axonpush-otel: an app may throw or reject with anything (Fastify answers
      // null, undefined or a Symbol itself); only an object's message is read,
      // anything else is recorded as its string form.
      function recordError (span, error) {
        const isObject = error !== null && (typeof error === 'object' || typeof error === 'function')
        const hasMessage = isObject && typeof error.message === 'string'
        const description = hasMessage
          ? error.message
          : isObject ? Object.prototype.toString.call(error) : String(error)
        span.setStatus({ code: SpanStatusCode.ERROR, message: description })
        if (instrumentation[kRecordExceptions] !== false) {
          span.recordException(hasMessage ? error : description)
        }
      }
`;

/** The request span without hooks of ours: started by the first traced function, ended on the response's 'close'. */
export const REQUEST_SPAN_HELPERS = `
      // axonpush-otel: the request span starts with the first traced hook or handler
      // of a request and ends when the response closes, so no hook of ours shows in
      // Fastify's hook lists or printRoutes(), and no onSend hook changes what
      // Fastify does with a serializer's error.
      function startRequestSpanOnce (request, args) {
        if (request[kRequestContext] != null) {
          return
        }
        const reply = args[args.indexOf(request) + 1]
        const response = reply?.request === request ? reply.raw : undefined
        if (typeof response?.once !== 'function' || response.closed === true) {
          return
        }
        startRequestSpanHook.call(instance, request, reply, () => {})
        if (request[kRequestSpan] != null) {
          response.once('close', () => finalizeResponseSpanHook(request, reply, undefined, () => {}))
        }
      }

      // When Fastify took the request, as when the span started in its first onRequest hook.
      function requestStartTime (reply) {
        const elapsed = reply?.elapsedTime
        return typeof elapsed === 'number' && elapsed >= 0 ? Date.now() - elapsed : undefined
      }
`;

/** The app's onRoute hooks see the route's handler and hooks as the app gave them. */
export const ROUTE_WIRING_HELPERS = `
      // axonpush-otel: otelWireRoute puts wrappers in a route's options; the app's own
      // onRoute hooks run with what the app gave instead, and the wrappers are put
      // back (around whatever the hook left there) after each.
      function wireRoute (routeOptions) {
        const keys = ['handler', ...FASTIFY_HOOKS]
        const given = keys.map(key => routeOptions[key])
        otelWireRoute.call(this, routeOptions)
        const wired = []
        keys.forEach((key, index) => {
          if (routeOptions[key] !== given[index]) {
            wired.push({ key, ours: routeOptions[key], given: given[index] })
          }
        })
        wiredRoutes.set(routeOptions, wired)
      }

      function unwireRoute (routeOptions) {
        for (const { key, ours, given } of wiredRoutes.get(routeOptions) ?? []) {
          if (routeOptions[key] === ours) {
            routeOptions[key] = given
          }
        }
        wiredRoutes.delete(routeOptions)
      }

      function seeingRoutesAsGiven (onRouteHook) {
        return shapedLike(onRouteHook, function (routeOptions) {
          unwireRoute(routeOptions)
          try {
            return onRouteHook.apply(this, arguments)
          } finally {
            wireRoute.call(this, routeOptions)
          }
        })
      }
`;
