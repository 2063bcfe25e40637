/**
 * pino: to send records to the logs bridge, the upstream instrumentation
 * replaces every logger's destination (`logger[pino.symbols.streamSym]`) with
 * a `pino.multistream` of the app's stream and its own. A traced app then sees
 * a different pino (each seen failing in pino's own test suite,
 * scripts/library-suites/pino.sh):
 * - `logger[streamSym]` is no longer the stream the app gave (`process.stdout`,
 *   a `pino.destination()`, a `pino.transport()`), so code that reaches its
 *   destination through it (to listen for a transport's events, to end it)
 *   gets a multistream without them (`transport.once is not a function`).
 * - `logger.flush(cb)` of an asynchronous destination never calls back.
 *
 * Here, where pino has the `streamWrite` hook (every pino we test), the
 * logger keeps its stream and the record is copied to the instrumentation's
 * stream from that hook, after the app's own `streamWrite` (so both see the
 * same line, as with the multistream). The record's numeric level, which the
 * multistream passed on as `lastLevel`, is taken from the logger's write
 * function. A pino without the hook keeps the upstream multistream.
 */
import type { InstrumentationPatch } from "./types.js";

export const pinoPatch: InstrumentationPatch = {
  packageName: "@opentelemetry/instrumentation-pino",
  writtenFor: "0.69.0",
  file: "build/src/instrumentation.js",
  fixes: "a traced logger keeps the destination the app gave it (its stream, flush and transport events)",
  edits: [
    {
      find: `                        // Use pino's own \`multistream\` to send to the original stream and
                        // to the OTel Logs API/SDK.`,
      replace: `                        // axonpush-otel: the logger keeps its own stream where pino can tap records.
                        if (tapRecordsThroughStreamWriteHook(logger, moduleExports, otelStream)) {
                            return logger;
                        }
                        // Use pino's own \`multistream\` to send to the original stream and
                        // to the OTel Logs API/SDK.`,
    },
    {
      find: `exports.PinoInstrumentation = PinoInstrumentation;
`,
      replace: `exports.PinoInstrumentation = PinoInstrumentation;
// axonpush-otel: copies each line the logger writes to \`otelStream\` from pino's
// \`streamWrite\` hook (after the app's own, whose result the logger writes),
// leaving the logger's stream as the app gave it. The numeric level comes from
// the logger's write function, which child loggers inherit. False where this
// pino has no \`streamWrite\` hook: the caller falls back to the multistream.
function ignoreCallback() { }
function tapRecordsThroughStreamWriteHook(logger, pino, otelStream) {
    const symbols = pino.symbols || {};
    const hooks = symbols.hooksSym && logger[symbols.hooksSym];
    const write = symbols.writeSym && logger[symbols.writeSym];
    if (!hooks || !('streamWrite' in hooks) || typeof write !== 'function') {
        return false;
    }
    const appStreamWrite = hooks.streamWrite;
    let level;
    logger[symbols.writeSym] = function write_(obj, msg, num) {
        level = num;
        return write.call(this, obj, msg, num);
    };
    logger[symbols.hooksSym] = Object.assign({}, hooks, {
        streamWrite(line) {
            const written = typeof appStreamWrite === 'function' ? appStreamWrite(line) : line;
            try {
                otelStream.lastLevel = level;
                // Straight to the stream's own _write: through write() a Writable turns the line
                // into a Buffer (from the pool the app's own Buffers come from) to parse it back.
                otelStream._write(written, 'utf8', ignoreCallback);
            }
            catch (err) {
                api_1.diag.debug('pino instrumentation: could not copy a log line', err);
            }
            return written;
        },
    });
    return true;
}
`,
    },
  ],
};
