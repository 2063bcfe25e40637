/**
 * For fixtures that run once and exit, printing what they did as one
 * `RESULT <json>` line (fixtures/library-behaviour/report.cjs): runs one to
 * its end and returns that result beside how it ended.
 */
import { runFixture, type FixtureOptions } from "./fixture-process.js";

export function resultOf(stdout: string): unknown {
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  return line === undefined ? `no RESULT line; stdout was: ${stdout}` : JSON.parse(line.slice("RESULT ".length));
}

export async function runToEnd(script: string, options: Omit<FixtureOptions, "script" | "waitForReady"> = {}) {
  const run = await runFixture({ script, waitForReady: false, ...options });
  const { code, signal } = await run.exited;
  return { result: resultOf(run.stdout()), code, signal, stderr: run.stderr(), stdout: run.stdout() };
}
