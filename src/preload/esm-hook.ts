/**
 * ESM instrumentation under --import: import-in-the-middle's loader hook,
 * registered with its message channel so the loader wraps only the modules
 * an instrumentation asked for (every other module loads untouched).
 * Instrumentations send their module names when they are enabled; the app
 * must not import anything before the loader has acknowledged them.
 */
import { register } from "node:module";
import { createAddHookMessageChannel } from "import-in-the-middle";

export interface EsmHook {
  /** Resolves once the loader knows every module name sent so far. */
  waitUntilReady(): Promise<void>;
}

export function registerEsmHook(parentUrl: string): EsmHook {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register("import-in-the-middle/hook.mjs", parentUrl, registerOptions);
  return { waitUntilReady: waitForAllMessagesAcknowledged };
}
