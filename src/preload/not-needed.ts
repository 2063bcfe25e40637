/**
 * Enabled instrumentations that can do nothing in this process, left out
 * before they cost anything. Leaving one out changes no span and no log
 * record: each named here only records metrics nobody exports, or patches
 * something that does not exist here.
 *
 * - `runtime-node` and `host-metrics` only record metrics. Unless
 *   OTEL_METRICS_EXPORTER names an exporter (ours sends none by default)
 *   those go nowhere, while runtime-node still samples the event loop every
 *   10 ms (`monitorEventLoopDelay`), observes every garbage collection and
 *   takes about 3 ms to load at start-up.
 * - `aws-lambda` wraps the handler AWS Lambda's runtime names in `_HANDLER`
 *   under `LAMBDA_TASK_ROOT`; without both it patches nothing (its own
 *   check), yet loads at start-up (about 2 ms).
 */
const METRICS_ONLY = ["runtime-node", "host-metrics"];

/** Whether OTEL_METRICS_EXPORTER names an exporter (NodeSDK reads it from process.env; `none` names none). */
export function metricsExported(env: NodeJS.ProcessEnv): boolean {
  const names = (env.OTEL_METRICS_EXPORTER ?? "").split(",").map((name) => name.trim().toLowerCase());
  return names.some((name) => name !== "" && name !== "none");
}

/** The enabled instrumentations to leave out here, each with why. */
export function notNeededHere(enabled: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const leftOut: Record<string, string> = {};
  const metrics = metricsExported(env);
  for (const name of enabled) {
    if (METRICS_ONLY.includes(name) && !metrics) leftOut[name] = "records metrics only, and OTEL_METRICS_EXPORTER names no exporter";
    if (name === "aws-lambda" && !(env.LAMBDA_TASK_ROOT && env._HANDLER)) leftOut[name] = "not running in AWS Lambda (no LAMBDA_TASK_ROOT and _HANDLER)";
  }
  return leftOut;
}
