/**
 * The sender thread's side of the channel: one Lane per exporter, messages
 * handled in order. Diagnostics of the shared code (diag) and every line for
 * the user go back to the app's thread as notices; at exit, the drain
 * answers through a shared word the app's thread is blocked on, because its
 * event loop will not turn again.
 */
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import type { MessagePort } from "node:worker_threads";
import type { Notice } from "./delivery-reporter.js";
import { Lane } from "./lane.js";
import type { FromSender, ToSender } from "./protocol.js";
import { yieldToTheApp } from "./thread-priority.js";

/** The shared words of a lane's log records (protocol.ts). */
const LOGS_TAKEN = 2;
const LOGS_HELD = 3;

/** The most of the exit budget kept back for counting and saying what could not be sent. */
const EXIT_REPORT_MARGIN_MS = 50;

interface LaneEntry {
  readonly lane: Lane;
  /** [0]: spans taken off the channel, modulo 2^32; [1]: spans held now; [2], [3]: the same for log records (see protocol.ts). */
  readonly shared: Int32Array;
}

export function runSenderLoop(port: MessagePort, exitSignal: SharedArrayBuffer): void {
  const post = (message: FromSender) => port.postMessage(message);
  const notice: Notice = (level, line) => post({ type: "notice", level, line });
  routeDiagnostics(notice);
  yieldToTheApp();
  const exitWord = new Int32Array(exitSignal);
  const lanes = new Map<number, LaneEntry>();

  const handle = async (message: ToSender): Promise<void> => {
    switch (message.type) {
      case "open": {
        const shared = new Int32Array(message.shared);
        const lane = new Lane(message.settings, {
          notice,
          onHeld: (held) => Atomics.store(shared, 1, held),
          onLogsHeld: (held) => Atomics.store(shared, LOGS_HELD, held),
        });
        lanes.set(message.lane, { lane, shared });
        return;
      }
      case "spans": {
        const entry = lanes.get(message.lane);
        if (!entry) return;
        entry.lane.accept(message.batch, message.appLosses);
        Atomics.add(entry.shared, 0, message.batch.spans.length + message.batch.unreadable);
        return;
      }
      case "logs": {
        const entry = lanes.get(message.lane);
        if (!entry) return;
        entry.lane.acceptLogs(message.batch, message.appLosses);
        Atomics.add(entry.shared, LOGS_TAKEN, message.batch.records.length + message.batch.unreadable);
        return;
      }
      case "flush":
        await lanes.get(message.lane)?.lane.flush();
        post({ type: "done", id: message.id });
        return;
      case "shutdown":
        await lanes.get(message.lane)?.lane.shutdown(message.timeoutMs);
        lanes.delete(message.lane);
        post({ type: "done", id: message.id });
        return;
      case "exit": {
        // Stop sending a moment before the app's thread stops waiting, so what is lost is counted and said in time.
        const sendUntil = message.deadline - Math.min(EXIT_REPORT_MARGIN_MS, Math.max(0, message.deadline - Date.now()) / 10);
        await Promise.all([...lanes.values()].map((entry) => entry.lane.drainForExit(sendUntil)));
        Atomics.store(exitWord, 0, message.seq);
        Atomics.notify(exitWord, 0);
        return;
      }
    }
  };

  port.on("message", (message: ToSender) => {
    handle(message).catch((error: unknown) => notice("debug", `sender: ${error instanceof Error ? error.message : String(error)}`));
  });
}

const COMPONENT = "axonpush-otel";

/** The shared code logs through diag; on this thread that reaches the user only through the app's thread. */
function routeDiagnostics(notice: Notice): void {
  // Not the API's own "registered a global" line that setLogger logs through the new logger.
  let ready = false;
  const forward = (message: string, args: unknown[]) => {
    if (!ready) return;
    const words = [message, ...args.map((arg) => (arg instanceof Error ? arg.message : String(arg)))];
    // Our component logger's namespace comes first; the app's thread logs the line under it again.
    if (words[0] === COMPONENT) words.shift();
    notice("debug", words.join(" "));
  };
  const logger: DiagLogger = {
    error: (message, ...args) => forward(message, args),
    warn: (message, ...args) => forward(message, args),
    info: (message, ...args) => forward(message, args),
    debug: (message, ...args) => forward(message, args),
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true });
  ready = true;
}
