/**
 * ES module side, for modules that never pass through `Module._load`: core
 * modules imported by name and packages that are ES modules themselves.
 *
 * import-in-the-middle's hooks (in-thread or on the loader thread, both fed
 * by its message channel: src/preload/esm-hook.ts) wrap only the modules
 * they were told about, so every module a waiting instrumentation patches is
 * announced now. When a wrapped module
 * registers, import-in-the-middle calls its hooks in order; ours comes first,
 * activates what waits for that package, and then calls the hooks that
 * activation just added for this same module: import-in-the-middle would not
 * (it iterates the hook list with `forEach`, which skips entries appended
 * during the iteration, and replays only modules registered before).
 */
import { Hook, addHook, removeHook, type Namespace } from "import-in-the-middle";
import { requireLazily } from "../lazy-require.js";
import type { LazyInstrumentations } from "./lazy-instrumentations.js";
import { packageOfUrl } from "./package-of.js";

type RawImportHook = (url: string, namespace: Namespace, specifier?: string, format?: string) => void;

// import-in-the-middle's registry of hooks; its generated wrappers call these.
// (The same CommonJS module instance: the wrappers import it by file URL.)
const { importHooks } = requireLazily("import-in-the-middle/lib/register.js") as { importHooks: RawImportHook[] };

export function installImportTrigger(lazy: LazyInstrumentations): () => void {
  const names = lazy.waitingModuleNames();
  if (names.length === 0) return () => undefined;

  const activateOnImport: RawImportHook = (url, namespace, specifier, format) => {
    if (!lazy.hasWaiting) return;
    const key = packageOfUrl(url);
    if (key === undefined || !lazy.isWaitingFor(key)) return;
    const before = importHooks.length;
    lazy.activate(key);
    for (const hook of importHooks.slice(before)) hook(url, namespace, specifier, format);
  };
  addHook(activateOnImport);

  const announcement = announceToLoader(names);

  return () => {
    removeHook(activateOnImport);
    announcement.unhook();
  };
}

/**
 * Creating a Hook is how import-in-the-middle announces module names to its
 * hooks (over the message channel, when one is registered); the hooks then
 * wrap them when imported. The callback has nothing to do: the hook added
 * by `installImportTrigger` does the work.
 */
export function announceToLoader(names: string[]): Hook {
  return new Hook(names, () => undefined);
}
