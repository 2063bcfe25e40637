/**
 * The exit part: spans that ended before the process ends reach AxonPush,
 * and the process ends exactly as it would have without us.
 *
 * `installExitHandlers(state)` is called once by the preload after the SDK
 * started. The preload also puts a `PendingSpanProcessor` beside the batch
 * processor and hands the batch processor `pendingSpans.observe(exporter)`,
 * so spans still in the batch buffer can be reached at exit.
 */
import { ExitCoordinator } from "./exit-coordinator.js";
import { installSignalHandlers } from "./signal-handler.js";
import { adviseServerlessWrapping } from "./serverless-advice.js";
import type { ExitState } from "./types.js";
import { logger } from "../diag.js";

export { PendingSpanProcessor, DEFAULT_MAX_PENDING_SPANS } from "./pending-span-processor.js";
export type { PendingSpanProcessorOptions } from "./pending-span-processor.js";
export type { ExitState, ExitExporter } from "./types.js";

export interface ExitHandlers {
  /** Removes every listener we added (for `shutdown()` and tests). */
  uninstall(): void;
}

const INSTALLED_KEY = Symbol.for("axonpush-otel.exit-handlers");
type GlobalWithHandlers = typeof globalThis & { [INSTALLED_KEY]?: ExitHandlers };

export function installExitHandlers(state: ExitState): ExitHandlers {
  const g = globalThis as GlobalWithHandlers;
  // Two copies of the package (ESM and CJS builds) must not both listen.
  const existing = g[INSTALLED_KEY];
  if (existing) return existing;

  const coordinator = new ExitCoordinator(state);
  const signals = installSignalHandlers(coordinator);
  const onBeforeExit = () => coordinator.onBeforeExit();
  const onExit = () => coordinator.onExit();
  process.on("beforeExit", onBeforeExit);
  process.on("exit", onExit);
  adviseServerlessWrapping(process.env, { log: debugLine(state) });

  const handlers: ExitHandlers = {
    uninstall() {
      signals.uninstall();
      process.removeListener("beforeExit", onBeforeExit);
      process.removeListener("exit", onExit);
      if (g[INSTALLED_KEY] === handlers) delete g[INSTALLED_KEY];
    },
  };
  g[INSTALLED_KEY] = handlers;
  return handlers;
}

/** With AXONPUSH_DEBUG on, the start-up line goes to stderr; so do ours. Otherwise diag debug. */
function debugLine(state: ExitState): (message: string) => void {
  if (!state.config?.debug) return (message) => logger.debug(message);
  return (message) => {
    try {
      process.stderr.write(`axonpush-otel: ${message}\n`);
    } catch {
      // A closed stderr must not break the application.
    }
  };
}
