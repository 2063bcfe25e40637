/**
 * The enabled instrumentations, each waiting for the first load of a module
 * it patches. Activating one requires its package and constructs it with the
 * same config getNodeAutoInstrumentations would give; constructing enables
 * it, which registers its require-in-the-middle and import-in-the-middle
 * hooks, so the module about to load is patched like any later one.
 *
 * Those that patch no module by name (undici, runtime-node, aws-lambda) are
 * built at start, as before.
 */
import { diag, type DiagLogger } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { requireLazily } from "../lazy-require.js";
import { packageKeyOfModuleName } from "./package-of.js";
import type { InstrumentationClass, InstrumentationSpec } from "./types.js";

export type InstrumentationConfigFor = (spec: InstrumentationSpec) => Record<string, unknown>;
/** Instrumentations of ours to construct right after this one (so their module hooks run after its own). */
export type CompanionsOf = (spec: InstrumentationSpec) => Instrumentation[];
/** Called with each instrumentation right after it is constructed, before anything it patches is used. */
export type AdaptInstance = (spec: InstrumentationSpec, instance: Instrumentation) => void;

export class LazyInstrumentations {
  /** Every instrumentation constructed so far (eager ones first), in construction order. */
  readonly constructed: Instrumentation[] = [];
  /** Names of the instrumentations constructed so far. */
  readonly activatedNames: string[] = [];
  private readonly waiting = new Map<string, InstrumentationSpec[]>();
  private readonly targets = new Set<string>();
  private readonly log: DiagLogger = diag.createComponentLogger({ namespace: "axonpush-otel" });

  /** `specs`: the enabled instrumentations only; a disabled one is never required. */
  constructor(
    private readonly specs: readonly InstrumentationSpec[],
    private readonly configFor: InstrumentationConfigFor,
    private readonly companionsOf: CompanionsOf = () => [],
    private readonly adapt: AdaptInstance = () => undefined,
  ) {
    for (const spec of specs) {
      for (const key of keysOf(spec)) {
        const list = this.waiting.get(key) ?? [];
        list.push(spec);
        this.waiting.set(key, list);
        this.targets.add(key);
      }
    }
  }

  /** The instrumentations that patch no module by name, constructed now. */
  constructEager(): Instrumentation[] {
    return this.specs.filter((spec) => spec.targets.length === 0).flatMap((spec) => this.construct(spec));
  }

  /** Whether loading this package (or core module) would activate something. */
  isWaitingFor(packageKey: string): boolean {
    return this.waiting.has(packageKey);
  }

  /** Whether an enabled instrumentation patches this package (activated or not). */
  isTarget(packageKey: string): boolean {
    return this.targets.has(packageKey);
  }

  get hasWaiting(): boolean {
    return this.waiting.size > 0;
  }

  /** Every module name a waiting instrumentation patches (for the ESM loader's include list). */
  waitingModuleNames(): string[] {
    const names = new Set<string>();
    for (const specs of this.waiting.values()) for (const spec of specs) for (const target of spec.targets) names.add(target);
    return [...names];
  }

  /** Activates what waits for this package; returns what was constructed. Never throws. */
  activate(packageKey: string): Instrumentation[] {
    const specs = this.waiting.get(packageKey);
    if (!specs) return [];
    // Off the waiting list first: constructing requires modules, which comes back here.
    for (const spec of specs) for (const key of keysOf(spec)) this.waiting.delete(key);
    return specs.flatMap((spec) => this.construct(spec));
  }

  private construct(spec: InstrumentationSpec): Instrumentation[] {
    try {
      this.log.debug(`loading instrumentation ${spec.packageName}`);
      const Instrumentation = (requireLazily(spec.packageName) as Record<string, InstrumentationClass>)[spec.exportName]!;
      const instance = new Instrumentation(this.configFor(spec));
      this.adapt(spec, instance);
      const companions = this.companionsOf(spec);
      this.constructed.push(instance, ...companions);
      this.activatedNames.push(spec.name);
      return [instance, ...companions];
    } catch (error) {
      // As getNodeAutoInstrumentations does: one broken instrumentation must not stop the others, nor the app.
      diag.error(`axonpush-otel: could not load ${spec.packageName}`, error);
      return [];
    }
  }
}

function keysOf(spec: InstrumentationSpec): Set<string> {
  const keys = new Set<string>();
  for (const target of spec.targets) {
    const key = packageKeyOfModuleName(target);
    if (key) keys.add(key);
  }
  return keys;
}
