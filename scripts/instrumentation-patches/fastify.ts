/**
 * @fastify/otel (the Fastify team's instrumentation, which the preload plugs
 * into every Fastify instance as it is created). Upstream, a traced Fastify
 * app behaves differently (each seen failing in Fastify's own test suite,
 * scripts/library-suites/fastify.sh):
 * - `setNotFoundHandler()` returns `undefined` instead of the instance.
 * - A hook or handler that throws or rejects with `null`, `undefined` or a
 *   Symbol: the wrapper reads `.message` of it, and the app's error handler
 *   and the 500 body get that TypeError instead.
 * - `addHook(name, notAFunction)` throws a TypeError (it reads `hook.name`)
 *   instead of Fastify's `FST_ERR_HOOK_INVALID_HANDLER`; wrappers take
 *   `(...args)` and are never async, so Fastify no longer refuses an async
 *   hook that also takes `done` (it checks both, for `addHook` and for
 *   route options after the onRoute hooks ran).
 * - Its onRoute hook replaces the route's handler and hooks before the app's
 *   own onRoute hooks see them.
 * - An onSend hook on every route: a serializer's invalid payload becomes a
 *   500 instead of an error thrown back to the handler.
 * - Root onRequest/onResponse hooks and an empty `@fastify/otel` plugin
 *   show in Fastify's hook lists, plugin name chain, `hasPlugin()`,
 *   `printPlugins()` and `printRoutes({ includeHooks: true })`.
 *
 * Here the instrumentation adds no lifecycle hook and no plugin: the request
 * span starts with the first traced hook or handler of the request,
 * back-dated to when Fastify took it, and ends when the response closes.
 * Wrappers keep the wrapped function's name, arity and async-ness and wrap
 * functions only; of a thrown value only an object's message is read. The
 * app's onRoute hooks see the route options as the app gave them (our
 * wrappers are put back after each). What stays different is in the README
 * ("Fixes to upstream instrumentations").
 */
import { REQUEST_SPAN_HELPERS, ROUTE_WIRING_HELPERS, WRAPPER_HELPERS } from "./fastify-helpers.js";
import type { InstrumentationPatch, SourceEdit } from "./types.js";

const wrappers: SourceEdit[] = [
  {
    find: `const dc = require('node:diagnostics_channel')
`,
    replace: `const dc = require('node:diagnostics_channel')
// axonpush-otel: a wrapper is an async function when what it wraps is one (see shapedLike).
const { isAsyncFunction, isGeneratorFunction } = require('node:util').types
// axonpush-otel: what otelWireRoute changed in each route's options (see wireRoute).
const wiredRoutes = new WeakMap()
`,
  },
  {
    // The plugin's own \`instrumentation\` from here on: \`this\` is not always a
    // Fastify instance (a websocket handler is called directly).
    find: `      function handlerWrapper (handler, hookName, spanAttributes = {}) {
        return function handlerWrapped (...args) {
          /** @type {FastifyOtelInstrumentation} */
          const instrumentation = this[kInstrumentation]
`,
    replace: `      function handlerWrapper (handler, hookName, spanAttributes = {}) {
        return shapedLike(handler, function handlerWrapped (...args) {
`,
  },
  {
    find: `            this
          )
        }
      }
    }
  }
}
`,
    replace: `            this
          )
        })
      }
    }
  }
}
`,
  },
  {
    find: `          /* c8 ignore next */
          const ctx = request[kRequestContext] ?? context.active()`,
    replace: `          startRequestSpanOnce(request, args)
          /* c8 ignore next */
          const ctx = request[kRequestContext] ?? context.active()`,
  },
  {
    find: `                    error => {
                      span.setStatus({
                        code: SpanStatusCode.ERROR,
                        message: error.message
                      })
                      if (instrumentation[kRecordExceptions] !== false) {
                        span.recordException(error)
                      }
                      span.end()`,
    replace: `                    error => {
                      recordError(span, error)
                      recordErrorInSpanHook(request, null, error, () => {})
                      span.end()`,
  },
  {
    find: `              } catch (error) {
                span.setStatus({
                  code: SpanStatusCode.ERROR,
                  message: error.message
                })
                if (instrumentation[kRecordExceptions] !== false) {
                  span.recordException(error)
                }
                span.end()`,
    replace: `              } catch (error) {
                recordError(span, error)
                recordErrorInSpanHook(request, null, error, () => {})
                span.end()`,
  },
  {
    // No onError hook of ours any more: the wrappers call this, once per request.
    find: `        if (span != null) {
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error.message
          })
          request[kErrorStatusSet] = true
          if (instrumentation[kRecordExceptions] !== false) {
            span.recordException(error)
          }
        }`,
    replace: `        if (span != null && request[kErrorStatusSet] === false) {
          recordError(span, error)
          request[kErrorStatusSet] = true
        }`,
  },
  {
    find: `      done()

      function finalizeResponseSpanHook (request, reply, payload, hookDone) {`,
    replace: `      done()
${WRAPPER_HELPERS}${REQUEST_SPAN_HELPERS}${ROUTE_WIRING_HELPERS}
      function finalizeResponseSpanHook (request, reply, payload, hookDone) {`,
  },
];

/** No hooks and no plugin of ours in what Fastify reports about the app. */
const noHooksOfOurs: SourceEdit[] = [
  {
    find: `        this.plugin()(message.fastify, undefined, () => {})

        // Add an empty plugin to keep \`app.hasPlugin('@fastify/otel')\` invariant
        const emptyPlugin = (_, __, done) => {
          done()
        }
        emptyPlugin[Symbol.for('skip-override')] = true
        emptyPlugin[Symbol.for('fastify.display-name')] = '@fastify/otel'
        message.fastify.register(emptyPlugin)
`,
    replace: `        this.plugin()(message.fastify, undefined, () => {})
        // axonpush-otel: no empty '@fastify/otel' plugin beside it: it joined the app's
        // plugin names (\`fastify -> @fastify/otel -> ...\`), hasPlugin() and printPlugins().
`,
  },
  {
    find: `      instance.addHook('onRoute', function otelWireRoute (routeOptions) {`,
    replace: `      // axonpush-otel: registered below, through wireRoute.
      const otelWireRoute = (function otelWireRoute (routeOptions) {`,
  },
  {
    find: `              for (const handler of handlerLike) {
                wrappedHandlers.push(`,
    replace: `              for (const handler of handlerLike) {
                // axonpush-otel: functions only; Fastify refuses anything else with its own error.
                if (typeof handler !== 'function') {
                  wrappedHandlers.push(handler)
                  continue
                }
                wrappedHandlers.push(`,
  },
  {
    find: `        // We always want to add the onSend hook to the route to be executed last
        if (routeOptions.onSend != null) {
          routeOptions.onSend = Array.isArray(routeOptions.onSend)
            ? [...routeOptions.onSend, finalizeResponseSpanHook]
            : [routeOptions.onSend, finalizeResponseSpanHook]
        } else {
          routeOptions.onSend = finalizeResponseSpanHook
        }

        // We always want to add the onError hook to the route to be executed last
        if (routeOptions.onError != null) {
          routeOptions.onError = Array.isArray(routeOptions.onError)
            ? [...routeOptions.onError, recordErrorInSpanHook]
            : [routeOptions.onError, recordErrorInSpanHook]
        } else {
          routeOptions.onError = recordErrorInSpanHook
        }

        if (shouldInstrumentHandler(routeOptions.config, instrumentation[kInstrumentHandler])) {`,
    replace: `        // axonpush-otel: no onSend/onError hooks of ours on the route (startRequestSpanOnce
        // ends the request span, the wrappers record errors on it).
        if (
          typeof routeOptions.handler === 'function' &&
          shouldInstrumentHandler(routeOptions.config, instrumentation[kInstrumentHandler])
        ) {`,
  },
  {
    find: `      })

      instance.addHook('onRequest', function startRequestSpanHook (request, _reply, hookDone) {`,
    replace: `      })
      instance.addHook('onRoute', function otelWireRoute (routeOptions) {
        wireRoute.call(this, routeOptions)
      })

      // axonpush-otel: not a hook; startRequestSpanOnce calls it.
      const startRequestSpanHook = (function startRequestSpanHook (request, _reply, hookDone) {`,
  },
  {
    find: `        const span = this[kInstrumentation].tracer.startSpan('request', {
          attributes,`,
    replace: `        const span = this[kInstrumentation].tracer.startSpan('request', {
          attributes,
          startTime: requestStartTime(_reply),`,
  },
  {
    // finalizeResponseSpanHook ends every request span now, 404s included.
    find: `      // onResponse is the last hook to be executed, only added for 404 handlers
      instance.addHook('onResponse', function finalizeNotFoundSpanHook (request, reply, hookDone) {
        const span = request[kRequestSpan]

        if (span != null) {
          span.setAttributes({
            [ATTR_HTTP_RESPONSE_STATUS_CODE]: reply.statusCode
          })
          span.end()
        }

        request[kRequestSpan] = null
        request[kErrorStatusSet] = false

        hookDone()
      })

`,
    replace: ``,
  },
];

/** addHook and setNotFoundHandler answer as Fastify's own. */
const instanceMethods: SourceEdit[] = [
  {
    find: `      function addHookPatched (name, hook) {
        const addHookOriginal = this[kAddHookOriginal]

        if (
          FASTIFY_HOOKS.includes(name) &&`,
    replace: `      // axonpush-otel: anything but a function goes to Fastify as given (it refuses it
      // with its own error); the app's onRoute hooks see routes as the app gave them.
      function addHookPatched (name, hook) {
        const addHookOriginal = instance[kAddHookOriginal]

        if (typeof hook !== 'function') {
          return addHookOriginal.apply(this, arguments)
        }
        if (name === 'onRoute') {
          return addHookOriginal.call(this, name, seeingRoutesAsGiven(hook))
        }
        if (
          FASTIFY_HOOKS.includes(name) &&`,
  },
  {
    find: `      function wrapNotFoundHookHandler (handlerLike, hookName, getSpanAttributes) {
        if (Array.isArray(handlerLike)) {
          return handlerLike.map(handler => handlerWrapper(handler, hookName, getSpanAttributes(handler)))
        }

        return handlerWrapper(handlerLike, hookName, getSpanAttributes(handlerLike))
      }

      function setNotFoundHandlerPatched (hooks, handler) {
        const setNotFoundHandlerOriginal = this[kSetNotFoundOriginal]
        if (typeof hooks === 'function') {
          handler = handlerWrapper(hooks, 'notFoundHandler', {
            [ATTRIBUTE_NAMES.HOOK_NAME]: \`\${this.pluginName} - not-found-handler\`,
            [ATTRIBUTE_NAMES.FASTIFY_TYPE]: HOOK_TYPES.INSTANCE,
            [ATTRIBUTE_NAMES.HOOK_CALLBACK_NAME]:
              hooks.name?.length > 0
                ? hooks.name
                : ANONYMOUS_FUNCTION_NAME /* c8 ignore next */
          })
          setNotFoundHandlerOriginal.call(this, handler)
        } else {
          const globalHookPolicy = instrumentation[kInstrumentHooks]

          if (
            hooks.preValidation != null &&
            shouldInstrumentLifecycleHook('preValidation', globalHookPolicy)
          ) {
            hooks.preValidation = wrapNotFoundHookHandler(hooks.preValidation, 'notFoundHandler - preValidation', handler => ({
              [ATTRIBUTE_NAMES.HOOK_NAME]: \`\${this.pluginName} - not-found-handler - preValidation\`,
              [ATTRIBUTE_NAMES.FASTIFY_TYPE]: HOOK_TYPES.INSTANCE,
              [ATTRIBUTE_NAMES.HOOK_CALLBACK_NAME]:
                handler.name?.length > 0
                  ? handler.name
                  : ANONYMOUS_FUNCTION_NAME /* c8 ignore next */
            }))
          }

          if (
            hooks.preHandler != null &&
            shouldInstrumentLifecycleHook('preHandler', globalHookPolicy)
          ) {
            hooks.preHandler = wrapNotFoundHookHandler(hooks.preHandler, 'notFoundHandler - preHandler', handler => ({
              [ATTRIBUTE_NAMES.HOOK_NAME]: \`\${this.pluginName} - not-found-handler - preHandler\`,
              [ATTRIBUTE_NAMES.FASTIFY_TYPE]: HOOK_TYPES.INSTANCE,
              [ATTRIBUTE_NAMES.HOOK_CALLBACK_NAME]:
                handler.name?.length > 0
                  ? handler.name
                  : ANONYMOUS_FUNCTION_NAME /* c8 ignore next */
            }))
          }

          handler = handlerWrapper(handler, 'notFoundHandler', {
            [ATTRIBUTE_NAMES.HOOK_NAME]: \`\${this.pluginName} - not-found-handler\`,
            [ATTRIBUTE_NAMES.FASTIFY_TYPE]: HOOK_TYPES.INSTANCE,
            [ATTRIBUTE_NAMES.HOOK_CALLBACK_NAME]:
              handler.name?.length > 0
                ? handler.name
                : ANONYMOUS_FUNCTION_NAME /* c8 ignore next */
          })
          setNotFoundHandlerOriginal.call(this, hooks, handler)
        }
      }`,
    replace: `      // axonpush-otel: returns what Fastify's returns (the instance, for chaining), and
      // wraps functions only: Fastify refuses anything else with its own error. The
      // options object is changed in place, as Fastify binds its hooks in place.
      function setNotFoundHandlerPatched (hooks, handler) {
        const args = Array.prototype.slice.call(arguments)
        if (typeof hooks === 'function') {
          args[0] = wrapNotFoundHandler(this, hooks)
        } else {
          if (hooks !== null && typeof hooks === 'object') {
            wrapNotFoundHooks(this, hooks)
          }
          if (typeof handler === 'function') {
            args[1] = wrapNotFoundHandler(this, handler)
          }
        }
        return instance[kSetNotFoundOriginal].apply(this, args)
      }

      function wrapNotFoundHandler (server, handler) {
        return handlerWrapper(handler, 'notFoundHandler', {
          [ATTRIBUTE_NAMES.HOOK_NAME]: \`\${server.pluginName} - not-found-handler\`,
          [ATTRIBUTE_NAMES.FASTIFY_TYPE]: HOOK_TYPES.INSTANCE,
          [ATTRIBUTE_NAMES.HOOK_CALLBACK_NAME]: handler.name?.length > 0 ? handler.name : ANONYMOUS_FUNCTION_NAME
        })
      }

      function wrapNotFoundHooks (server, hooks) {
        for (const hookName of ['preValidation', 'preHandler']) {
          if (hooks[hookName] != null && shouldInstrumentLifecycleHook(hookName, instrumentation[kInstrumentHooks])) {
            hooks[hookName] = wrapNotFoundHookHandler(hooks[hookName], \`notFoundHandler - \${hookName}\`, handler => ({
              [ATTRIBUTE_NAMES.HOOK_NAME]: \`\${server.pluginName} - not-found-handler - \${hookName}\`,
              [ATTRIBUTE_NAMES.FASTIFY_TYPE]: HOOK_TYPES.INSTANCE,
              [ATTRIBUTE_NAMES.HOOK_CALLBACK_NAME]: handler.name?.length > 0 ? handler.name : ANONYMOUS_FUNCTION_NAME
            }))
          }
        }
      }

      function wrapNotFoundHookHandler (handlerLike, hookName, getSpanAttributes) {
        const wrap = handler => typeof handler === 'function'
          ? handlerWrapper(handler, hookName, getSpanAttributes(handler))
          : handler
        return Array.isArray(handlerLike) ? handlerLike.map(wrap) : wrap(handlerLike)
      }`,
  },
];

export const fastifyPatch: InstrumentationPatch = {
  packageName: "@fastify/otel",
  writtenFor: "0.21.2",
  file: "index.js",
  fixes: "a traced Fastify app behaves as untraced (hooks, not-found handler, thrown non-errors, plugin names)",
  edits: [...wrappers, ...noHooksOfOurs, ...instanceMethods],
};
