/**
 * ESM instrumentation under --import: import-in-the-middle's hooks, wrapping
 * only the modules an instrumentation asked for (every other module loads
 * untouched). Instrumentations announce their module names by creating a
 * `Hook`, which import-in-the-middle posts over its message channel; the app
 * must not import anything before those names are acknowledged.
 *
 * Two ways to run the same hooks, chosen by what the running Node can do:
 *
 * - in-thread: `module.registerHooks` (import-in-the-middle's
 *   register-hooks.mjs), where its `supportsSyncHooks()` says the synchronous
 *   hooks work (22.22.3+, 24.11.1+, 25.1+, 26+). No loader thread, and no
 *   `module.register()`, which Node 26 deprecates (DEP0205, printed on the
 *   app's stderr) and Node 27 is to remove.
 * - loader thread: `module.register` with the hook file, for Node 20.6+ and
 *   the 22 and 24 releases before the fix.
 *
 * Both take the names over the same message channel (in-thread, both ends
 * are on the main thread), so either wraps exactly what was announced.
 */
import { register } from "node:module";
import { createAddHookMessageChannel, Hook } from "import-in-the-middle";
import type { Instrumentation } from "@opentelemetry/instrumentation";

export type EsmHookKind = "in-thread" | "loader-thread";

export interface EsmHook {
  readonly kind: EsmHookKind;
  /** Resolves once the hooks know every module name sent so far. */
  waitUntilReady(): Promise<void>;
}

/**
 * What the ES module entry (register.ts) lends: its URL, to resolve the hook
 * files from, and its import(). The preload bundle is CommonJS compiled with
 * a code cache (lazy/code-cache.ts), which has no import() of its own, and
 * import-in-the-middle's hook entries are ES modules (Node 20 before 20.19
 * cannot require() them).
 */
export interface EsmEntry {
  readonly url: string;
  importModule(specifier: string): Promise<unknown>;
}

interface SyncHooksModule {
  supportsSyncHooks(): boolean;
  register(options: { include: string[]; addHookMessagePort: unknown }): void;
}

// supports-sync-hooks.mjs has no imports; register-hooks.mjs (and the parser it
// brings) is read only where it will be used.
const SUPPORTS_SYNC_HOOKS = "import-in-the-middle/supports-sync-hooks.mjs";
const REGISTER_HOOKS = "import-in-the-middle/register-hooks.mjs";

/** Which hooks this Node gets: import-in-the-middle's own check, so we never disagree with it. */
export async function esmHookKindForThisNode(entry: EsmEntry): Promise<EsmHookKind> {
  const { supportsSyncHooks } = (await entry.importModule(SUPPORTS_SYNC_HOOKS)) as Pick<SyncHooksModule, "supportsSyncHooks">;
  return supportsSyncHooks() ? "in-thread" : "loader-thread";
}

export async function registerEsmHook(entry: EsmEntry): Promise<EsmHook> {
  const kind = await esmHookKindForThisNode(entry);
  const { registerOptions, addHookMessagePort, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  if (kind === "in-thread") {
    const hooks = (await entry.importModule(REGISTER_HOOKS)) as SyncHooksModule;
    // Same options the loader thread receives: an empty include list that the
    // channel's names fill in. (The port stays on this thread: nothing to transfer.)
    hooks.register({ include: [], addHookMessagePort });
  } else {
    register("import-in-the-middle/hook.mjs", entry.url, registerOptions);
  }
  return { kind, waitUntilReady: waitForAllMessagesAcknowledged };
}

/**
 * For an SDK that started before the hooks existed (`--require` ran first,
 * then `--import`): its instrumentations already hold their in-thread hooks,
 * but the ESM hooks never heard which modules to wrap. Announce them now; the
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
