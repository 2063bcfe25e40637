/**
 * router (Express 5's router, also used alone): the upstream instrumentation
 * wraps each layer's `next` to end the layer's span, and waits for the
 * response's 'close' when the layer has not called it by the time it
 * returns.
 * - `router.handle(req, res, done)` takes any response object; one that is
 *   not an EventEmitter made the wrapper throw `res.once is not a function`.
 *   Here, with no 'close' to wait for, the span ends when the layer returns.
 * - The router hands a middleware its `next` and sets `req.next` to the same
 *   function; res.format() passes `req.next` to its callbacks and apps compare
 *   them. Here the wrapper stands in for `req.next` while the layer runs
 *   (only when `req.next` was that `next`) and gives it back when called.
 */
import type { InstrumentationPatch } from "./types.js";

export const routerPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-router",
  writtenFor: "0.67.0",
  file: "build/src/instrumentation.js",
  fixes: "router.handle() with a response that is not an EventEmitter; next === req.next",
  edits: [
    {
      find: `        let spanEnded = false;
        let listenerAttached = false;`,
      replace: `        let spanEnded = false;
        let listenerAttached = false;
        // axonpush-otel: the wrapper is \`req.next\` while the layer runs, as \`next\` was.
        const reqNextBefore = req.next;
        const standsInForReqNext = typeof next === 'function' && reqNextBefore === next;`,
    },
    {
      find: `        const wrappedNext = err => {
            if (err) {`,
      replace: `        const wrappedNext = err => {
            if (standsInForReqNext) {
                req.next = reqNextBefore;
            }
            if (err) {`,
    },
    {
      find: `            if (!spanEnded && !listenerAttached) {
                listenerAttached = true;
                res.once('close', onClose);
            }
        };`,
      replace: `            if (!spanEnded && !listenerAttached) {
                // axonpush-otel: a response that is no EventEmitter has no 'close' to wait for.
                if (typeof res?.once !== 'function') {
                    onClose();
                    return;
                }
                listenerAttached = true;
                res.once('close', onClose);
            }
        };
        if (standsInForReqNext) {
            req.next = wrappedNext;
        }`,
    },
  ],
};
