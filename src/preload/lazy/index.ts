/**
 * Instrumentations on demand: the enabled ones that patch a module by name
 * are required and constructed only when that module is first loaded
 * (`require()` or an `import` of a CommonJS file: require-trigger.ts; an
 * `import` of a core or ES module under the loader hook: import-trigger.ts);
 * the others are constructed now. A disabled instrumentation is never
 * required at all.
 * This is most of what makes the preload start faster than the official
 * register, which requires all 41 packages whether the app uses them or not.
 */
import { InstrumentationBase, type Instrumentation } from "@opentelemetry/instrumentation";
import { announceToLoader, installImportTrigger } from "./import-trigger.js";
import { INSTRUMENTATION_TABLE } from "./instrumentation-table.js";
import { LazyInstrumentations, type AdaptInstance, type CompanionsOf, type InstrumentationConfigFor } from "./lazy-instrumentations.js";
import { installRequireTrigger } from "./require-trigger.js";
import { getState } from "../state.js";

export { INSTRUMENTATION_TABLE } from "./instrumentation-table.js";
export { LazyInstrumentations } from "./lazy-instrumentations.js";
export type { InstrumentationSpec } from "./types.js";

export interface StartedInstrumentations {
  /** Constructed at start: hand these to NodeSDK. */
  readonly eager: Instrumentation[];
  /** The on-demand ones (for inspection: what has been activated so far). */
  readonly lazy: LazyInstrumentations;
  /** Stops activating anything more (already active instrumentations stay, as NodeSDK leaves them). */
  stop(): void;
}

/** Makes OpenTelemetry's require-in-the-middle singleton exist before any activation (see below). */
class RequireHookPrimer extends InstrumentationBase {
  protected init() {
    return [];
  }
}

let current: StartedInstrumentations | undefined;

export function startLazyInstrumentations(
  enabledNames: readonly string[],
  configFor: InstrumentationConfigFor,
  companionsOf?: CompanionsOf,
  adapt?: AdaptInstance,
): StartedInstrumentations {
  current?.stop();
  const specs = INSTRUMENTATION_TABLE.filter((spec) => enabledNames.includes(spec.name));
  const lazy = new LazyInstrumentations(specs, configFor, companionsOf, adapt);
  const eager = lazy.constructEager();
  // The singleton patches `Module.prototype.require` when first created. If an
  // activation created it, the require() running at that moment would have
  // started before the patch and return its module unpatched.
  new RequireHookPrimer("axonpush-otel-lazy-instrumentations", "0.0.0", { enabled: false });
  const uninstallRequire = installRequireTrigger(lazy, { patchImportsOfCommonJs: () => getState()?.esmHookRegistered !== true });
  const uninstallImport = installImportTrigger(lazy);
  const started: StartedInstrumentations = {
    eager,
    lazy,
    stop() {
      uninstallRequire();
      uninstallImport();
      if (current === started) current = undefined;
    },
  };
  current = started;
  return started;
}

/**
 * For a loader registered after the instrumentations started (`--require`
 * then `--import`): tell it the modules still waiting, so it wraps them.
 */
export function announceWaitingInstrumentations(): void {
  if (current) announceToLoader(current.lazy.waitingModuleNames());
}
