/**
 * SIGTERM / SIGINT without changing what they do.
 *
 * Listening to a signal in Node replaces its default action (terminate), so
 * our listener has to give it back:
 * - if, when the signal arrives, the app has a listener of its own, the app
 *   decides what happens: we only start delivering and never exit for it;
 * - otherwise the signal would have killed the process: we flush within the
 *   budget, remove our listener and raise the same signal again, so the
 *   process dies of it exactly as it would have (a parent sees the signal,
 *   a shell sees 128 + its number). A second signal while we flush is raised
 *   at once: someone insists.
 */
import type { ExitCoordinator } from "./exit-coordinator.js";

export const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

export interface SignalHandlers {
  uninstall(): void;
}

export function installSignalHandlers(
  coordinator: ExitCoordinator,
  signals: readonly NodeJS.Signals[] = HANDLED_SIGNALS,
): SignalHandlers {
  const listeners = new Map<NodeJS.Signals, () => void>();
  let reRaising = false;

  const uninstall = () => {
    for (const [signal, listener] of listeners) process.removeListener(signal, listener);
    listeners.clear();
  };

  const reRaise = (signal: NodeJS.Signals) => {
    uninstall();
    // With no listener left, Node restores the default action, so this ends
    // the process by the signal itself. Should someone have added a listener
    // in the meantime, it runs instead, as it would have without us.
    process.kill(process.pid, signal);
  };

  for (const signal of signals) {
    const listener = () => {
      const appListeners = process.listeners(signal).filter((l) => l !== listener).length;
      if (appListeners > 0) {
        coordinator.flushForAppShutdown();
        return;
      }
      if (reRaising) {
        reRaise(signal);
        return;
      }
      reRaising = true;
      coordinator.flushBeforeReRaise(() => reRaise(signal));
    };
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  return { uninstall };
}
