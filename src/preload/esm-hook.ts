/**
 * ESM instrumentation under --import: import-in-the-middle's loader hook,
 * registered with its message channel so the loader wraps only the modules
 * an instrumentation asked for (every other module loads untouched).
 * Instrumentations send their module names when they are enabled; the app
 * must not import anything before the loader has acknowledged them.
 */
import { register } from "node:module";
import { createAddHookMessageChannel, Hook } from "import-in-the-middle";
import type { Instrumentation } from "@opentelemetry/instrumentation";

export interface EsmHook {
  /** Resolves once the loader knows every module name sent so far. */
  waitUntilReady(): Promise<void>;
}

export function registerEsmHook(parentUrl: string): EsmHook {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register("import-in-the-middle/hook.mjs", parentUrl, registerOptions);
  return { waitUntilReady: waitForAllMessagesAcknowledged };
}

/**
 * For an SDK that started before the loader existed (`--require` ran first,
 * then `--import`): its instrumentations already hold their in-thread hooks,
 * but the loader never heard which modules to wrap. Announce them now; the
 * extra hook does nothing itself, it only carries the names.
 */
export function announceModules(instrumentations: readonly Instrumentation[]): void {
  const names = new Set<string>();
  for (const instrumentation of instrumentations) {
    const definitions = (instrumentation as { getModuleDefinitions?: () => { name: string }[] }).getModuleDefinitions?.() ?? [];
    for (const definition of definitions) names.add(definition.name);
  }
  if (names.size > 0) new Hook([...names], { internals: true }, () => undefined);
}
