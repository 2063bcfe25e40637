/**
 * Serverless runtimes freeze or end the process as soon as an invocation
 * returns, so spans still queued are lost unless the handler flushes. When
 * we see such a runtime and the handler was not wrapped with
 * `flushAfterInvocation`, we say once (at debug level) how to wrap it.
 *
 * The handler module loads after the preload, so the check waits a moment
 * (an unref'd timer: it never keeps a process alive). The "wrapped" mark
 * lives on globalThis because the preload and the library are separate
 * bundles, each with its own module state.
 */
import { logger } from "../diag.js";

type Env = Readonly<Record<string, string | undefined>>;

const WRAPPED_KEY = Symbol.for("axonpush-otel.flush-after-invocation");
type GlobalWithMark = typeof globalThis & { [WRAPPED_KEY]?: boolean };

/** How long after start-up the advice is checked: time for the handler module to load. */
export const ADVICE_DELAY_MS = 1_000;

export function markHandlerWrapped(): void {
  (globalThis as GlobalWithMark)[WRAPPED_KEY] = true;
}

export function isHandlerWrapped(): boolean {
  return (globalThis as GlobalWithMark)[WRAPPED_KEY] === true;
}

/** The serverless runtime the environment points at, if any. */
export function detectServerlessRuntime(env: Env): string | undefined {
  if (env.AWS_LAMBDA_FUNCTION_NAME) return "AWS Lambda";
  if (env.FUNCTION_TARGET) return "Google Cloud Functions";
  if (env.AZURE_FUNCTIONS_ENVIRONMENT) return "Azure Functions";
  return undefined;
}

export function wrappingAdvice(runtime: string): string {
  return (
    `${runtime} detected: the runtime may freeze the process as soon as your handler returns, ` +
    `before queued spans are sent. Wrap the handler so every invocation flushes first: ` +
    `import { flushAfterInvocation } from "axonpush-otel"; ` +
    `export const handler = flushAfterInvocation(async (event, context) => { /* ... */ }, { timeoutMs: 2000 });`
  );
}

export interface AdviceOptions {
  delayMs?: number;
  log?: (message: string) => void;
}

/** Schedules the one-time check; returns the runtime found (undefined: nothing scheduled). */
export function adviseServerlessWrapping(env: Env, options: AdviceOptions = {}): string | undefined {
  const runtime = detectServerlessRuntime(env);
  if (!runtime) return undefined;
  const log = options.log ?? ((message: string) => logger.debug(message));
  const timer = setTimeout(() => {
    if (!isHandlerWrapped()) log(wrappingAdvice(runtime));
  }, options.delayMs ?? ADVICE_DELAY_MS);
  timer.unref();
  return runtime;
}
