/**
 * Starting, never throwing into the app: any failure becomes one stderr line
 * and the application runs untraced. Shared by the preload entries and
 * `start()`.
 */
import type { Plan } from "./plan.js";
import { announceModules, registerEsmHook, type EsmEntry, type EsmHook } from "./esm-hook.js";
import { startSdk } from "./sdk.js";
import { installExitHandlers } from "../exit/index.js";
import { getState, releaseState, type AxonPushOtelState } from "./state.js";
import { announceWaitingInstrumentations } from "./lazy/index.js";
import { currentEntryFacts, entryIsCommonJS } from "./lazy/entry-format.js";

type GoPlan = Extract<Plan, { go: true }>;

export function startSafely(plan: GoPlan): boolean {
  try {
    startSdk(plan.config, plan.state, plan.report);
  } catch (error) {
    plan.report(`could not start tracing (${error instanceof Error ? error.message : String(error)}); the application runs untraced.`);
    plan.state.sdk?.shutdown().catch(() => undefined);
    releaseState(plan.state);
    return false;
  }
  try {
    // Signals, beforeExit, process.exit and crashes deliver what is buffered (part D).
    plan.state.exitHandlers = installExitHandlers(plan.state);
  } catch (error) {
    plan.report(`could not install exit handlers (${error instanceof Error ? error.message : String(error)}); spans may be lost when the process ends.`);
  }
  return true;
}

function noteEsmHook(state: AxonPushOtelState, hook: EsmHook | undefined): void {
  state.esmHookRegistered = hook !== undefined;
  state.esmHooks = hook?.kind;
}

/** Under --require: CommonJS hooks only, all synchronous. */
export function bootFromRequireFlag(plan: GoPlan): void {
  startSafely(plan);
}

/** Under --import: the ESM hooks first, then the SDK, then wait until the hooks know its modules, before the app's first import. */
export async function bootFromImportFlag(plan: GoPlan, entry: EsmEntry): Promise<void> {
  let hook: EsmHook | undefined;
  try {
    // A CommonJS entry needs no ESM hooks (nor, on older Node, their loader thread): its
    // modules, and CommonJS packages it reaches with import(), are instrumented through
    // require (src/preload/lazy).
    if (!entryIsCommonJS(currentEntryFacts())) hook = await registerEsmHook(entry);
    noteEsmHook(plan.state, hook);
  } catch (error) {
    plan.report(`could not register the ESM loader hook (${error instanceof Error ? error.message : String(error)}); only CommonJS modules are instrumented.`);
  }
  startSafely(plan);
  try {
    await hook?.waitUntilReady();
  } catch {
    // The loader never answering must not block the app forever; nothing more to do.
  }
}

/**
 * `--import` after `--require` (Node runs --require preloads first): the SDK
 * is already running with CommonJS hooks only. Add the ESM loader for its
 * instrumentations, so the app's ES modules are instrumented too; still one SDK.
 */
export async function addEsmHookToRunningSdk(entry: EsmEntry, report: (line: string) => void): Promise<void> {
  const state = getState();
  if (!state?.instrumentations || state.esmHookRegistered || entryIsCommonJS(currentEntryFacts())) return;
  try {
    const hook = await registerEsmHook(entry);
    noteEsmHook(state, hook);
    if (state.config?.debug) report(`ES module hooks added to the running SDK: ${hook.kind}.`);
    announceModules(state.instrumentations);
    announceWaitingInstrumentations();
    await hook.waitUntilReady();
  } catch (error) {
    report(`could not register the ESM loader hook (${error instanceof Error ? error.message : String(error)}); only CommonJS modules are instrumented.`);
  }
}
