/**
 * CommonJS side: activates an instrumentation just before the first load of
 * a module it patches. `Module._load` sees every `require()` (through
 * require-in-the-middle's patched `Module.prototype.require`, which calls it)
 * and every ES `import` of a CommonJS file (by absolute path, no parent);
 * `process.getBuiltinModule` reaches core modules without it.
 *
 * Activation registers the instrumentation in OpenTelemetry's
 * require-in-the-middle singleton, which looks its module-name trie up only
 * after the original load returns, so the module loading right now is
 * patched, and so are its internal files.
 */
import Module from "node:module";
import path from "node:path";
import type { LazyInstrumentations } from "./lazy-instrumentations.js";
import { packageOfPath, packageOfRequest } from "./package-of.js";

type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
type GetBuiltinModule = (this: unknown, id: string) => unknown;

interface ModuleInternals {
  _load: Load;
}

export interface RequireTriggerOptions {
  /**
   * True when no ESM loader hook is registered: an ES `import` of a target
   * CommonJS package (from a CommonJS app's dynamic `import()`, or an ES
   * package it uses) is then sent through `require`, so require-in-the-middle
   * patches its exports as it would for `require()`. With the hook, its
   * wrapper does that instead.
   */
  patchImportsOfCommonJs: () => boolean;
}

export function installRequireTrigger(lazy: LazyInstrumentations, options: RequireTriggerOptions): () => void {
  const internals = Module as unknown as ModuleInternals;
  const originalLoad = internals._load;
  // Stands in as the parent of ES imports sent through require (any module works: the request is absolute).
  const importer = new Module(path.join(process.cwd(), "[axonpush-otel: ES import]"));
  const activateFor = (request: unknown) => {
    if (!lazy.hasWaiting || typeof request !== "string") return;
    const key = packageOfRequest(request);
    if (key !== undefined && lazy.isWaitingFor(key)) lazy.activate(key);
  };

  const load: Load = function (this: unknown, request, parent, isMain) {
    activateFor(request);
    if (parent == null && !isMain && typeof request === "string" && path.isAbsolute(request)) {
      const key = packageOfPath(request);
      if (key !== undefined && lazy.isTarget(key) && options.patchImportsOfCommonJs()) return importer.require(request);
    }
    // eslint-disable-next-line prefer-rest-params -- pass whatever Node passes, unchanged
    return Reflect.apply(originalLoad, this, arguments);
  };
  internals._load = load;

  const processWithBuiltins = process as unknown as { getBuiltinModule?: GetBuiltinModule };
  const originalGetBuiltinModule = processWithBuiltins.getBuiltinModule;
  const getBuiltinModule: GetBuiltinModule = function (this: unknown, id) {
    activateFor(id);
    // eslint-disable-next-line prefer-rest-params
    return Reflect.apply(originalGetBuiltinModule!, this, arguments);
  };
  if (typeof originalGetBuiltinModule === "function") processWithBuiltins.getBuiltinModule = getBuiltinModule;

  return () => {
    // Only undo what is still ours: someone who wrapped us later keeps their wrapper.
    if (internals._load === load) internals._load = originalLoad;
    if (processWithBuiltins.getBuiltinModule === getBuiltinModule) processWithBuiltins.getBuiltinModule = originalGetBuiltinModule;
  };
}
