/**
 * express: the upstream instrumentation wraps each layer's callback (`next`)
 * to end the layer's span, and waits for the response's 'close' when the
 * layer has not called it by the time it returns.
 * - Express (its router, or Express 5's `router` package) hands a middleware
 *   its `next` and sets `req.next` to the same function; res.format() passes
 *   `req.next` to its callbacks and apps compare them. Here the wrapper
 *   stands in for `req.next` while the layer runs (only when `req.next` was
 *   that callback) and gives it back when called.
 * - `router.handle(req, res, done)` of an express.Router takes any response
 *   object; one that is not an EventEmitter made the wrapper throw
 *   `res.once is not a function`. Here, with no 'close' to wait for, the span
 *   ends when the layer returns.
 */
import type { InstrumentationPatch } from "./types.js";

export const expressPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-express",
  writtenFor: "0.71.1",
  file: "build/src/instrumentation.js",
  fixes: "next === req.next; a response that is not an EventEmitter",
  edits: [
    {
      find: `                if (callbackIdx >= 0) {
                    arguments[callbackIdx] = function () {`,
      replace: `                // axonpush-otel: the wrapper is \`req.next\` while the layer runs, as the callback was.
                const reqNextBefore = req?.next;
                const standsInForReqNext = callbackIdx >= 0 && reqNextBefore === args[callbackIdx];
                if (callbackIdx >= 0) {
                    arguments[callbackIdx] = function () {
                        if (standsInForReqNext) {
                            req.next = reqNextBefore;
                        }`,
    },
    {
      find: `                        return api_1.context.bind(nextContext, callback).apply(this, arguments);
                    };
                }`,
      replace: `                        return api_1.context.bind(nextContext, callback).apply(this, arguments);
                    };
                    if (standsInForReqNext) {
                        req.next = arguments[callbackIdx];
                    }
                }`,
    },
    {
      find: "                            req.res?.removeListener('close', onResponseEnded);",
      replace: "                            req.res?.removeListener?.('close', onResponseEnded);",
    },
    {
      find: `                    if (!spanHasEnded) {
                        res.once('close', onResponseEnded);
                    }`,
      replace: `                    if (!spanHasEnded) {
                        // axonpush-otel: a response that is no EventEmitter has no 'close' to wait for.
                        if (typeof res?.once === 'function') {
                            res.once('close', onResponseEnded);
                        }
                        else {
                            onResponseEnded();
                        }
                    }`,
    },
  ],
};
