/**
 * For fixtures that run once and exit, printing what they did as one
 * `RESULT <json>` line (fixtures/library-behaviour/report.cjs): runs one to
 * its end and returns that result beside how it ended.
 */
import { expect } from "vitest";
import { runFixture, type FixtureOptions } from "./fixture-process.js";

/**
 * How such a fixture runs under the preload: its CommonJS entry (`.cjs`)
 * under both flags, its ES module entry (`.mjs`) under `--import`, the only
 * flag that registers the ES module loader.
 */
export const PRELOAD_RUNS = [
  { entry: "cjs", flag: "--import" },
  { entry: "cjs", flag: "--require" },
  { entry: "mjs", flag: "--import" },
] as const;

/** An upstream instrumentation's scope name, from its short name. */
export const instrumentationScope = (name: string) => `@opentelemetry/instrumentation-${name}`;

export function resultOf(stdout: string): unknown {
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  return line === undefined ? `no RESULT line; stdout was: ${stdout}` : JSON.parse(line.slice("RESULT ".length));
}

export async function runToEnd(script: string, options: Omit<FixtureOptions, "script" | "waitForReady"> = {}) {
  const run = await runFixture({ script, waitForReady: false, ...options });
  const { code, signal } = await run.exited;
  return { result: resultOf(run.stdout()), code, signal, stderr: run.stderr(), stdout: run.stdout() };
}

type Ended = Awaited<ReturnType<typeof runToEnd>>;

/**
 * Runs the fixture twice at once: without the preload, and under `flag`
 * (`--import` or `--require` axonpush-otel/register) with `tracedEnv`.
 * `env` goes to both.
 */
export async function runPlainAndTraced(script: string, flag: string, tracedEnv: Record<string, string>, env: Record<string, string> = {}) {
  const [plain, traced] = await Promise.all([
    runToEnd(script, { env }),
    runToEnd(script, { nodeArgs: [flag, "axonpush-otel/register"], env: { ...tracedEnv, ...env } }),
  ]);
  return { plain, traced };
}

/** The traced run did what the plain one did: the same result and output, the same end. */
export function expectSameBehaviour(traced: Ended, plain: Ended): void {
  expect(traced.result).toEqual(plain.result);
  expect([traced.stdout, traced.stderr]).toEqual([plain.stdout, plain.stderr]);
  expect([traced.code, traced.signal]).toEqual([plain.code, plain.signal]);
}
