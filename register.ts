/**
 * The preload: `node --import axonpush-otel/register app.js` (ESM build) or
 * `node --require axonpush-otel/register app.js` (CJS build). Cheap checks
 * first; OpenTelemetry is loaded only when tracing will really happen.
 * `__AXONPUSH_ESM__` is set per output format by tsup: CommonJS has no
 * top-level await and needs no loader hook, so its build keeps only the
 * synchronous branch.
 */
import { planStart } from "./src/preload/plan.js";
import { reportToStderr } from "./src/config/report.js";

declare const __AXONPUSH_ESM__: boolean;

const plan = planStart({ startedBy: "register" });
// The ES module hooks are set up by the CommonJS preload bundle, which has no import() of its own.
const esmEntry = __AXONPUSH_ESM__ ? { url: import.meta.url, importModule: (specifier: string) => import(specifier) } : undefined;
try {
  if (plan.go) {
    if (__AXONPUSH_ESM__) {
      const { bootFromImportFlag } = await import("./src/preload/boot.js");
      await bootFromImportFlag(plan, esmEntry!);
    } else {
      (require("./src/preload/boot.js") as typeof import("./src/preload/boot.js")).bootFromRequireFlag(plan);
    }
  } else if (__AXONPUSH_ESM__ && plan.why === "already-started") {
    // --require ran first: keep its SDK, add what only --import can (ES module hooks).
    const { addEsmHookToRunningSdk } = await import("./src/preload/boot.js");
    await addEsmHookToRunningSdk(esmEntry!, reportToStderr);
  }
} catch (error) {
  // Even a missing dependency must not stop the app: it runs untraced.
  reportToStderr(`could not start tracing (${error instanceof Error ? error.message : String(error)}); the application runs untraced.`);
}
