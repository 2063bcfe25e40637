/**
 * Runs fixtures/exit/app.mjs as a real child process, with the preload
 * (`--import axonpush-otel/register`, by package name) or without it (the
 * reference: how Node alone ends that app), and reports how it ended.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const EXIT_FIXTURE = path.join(PACKAGE_ROOT, "fixtures", "exit", "app.mjs");

/** The shutdown budget the tests give the preload (AXONPUSH_SHUTDOWN_TIMEOUT_MS). */
export const SHUTDOWN_TIMEOUT_MS = 1_500;
/**
 * What we allow beyond the budget between the event and the parent seeing
 * the exit: starting the exit-time worker, tearing the process down, and a
 * busy two-core CI machine. Far below what an unbounded flush would take
 * (the exporter's 10 s request timeout, the batch processor's 30 s one).
 */
export const EXIT_MARGIN_MS = 1_500;

export interface FixtureRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Epoch ms of the event: the signal sent, or the `EVENT` line the app printed. */
  eventAt?: number;
  /** Epoch ms at which the parent saw the child exit. */
  exitedAt: number;
  /** exitedAt - eventAt. */
  eventToExitMs?: number;
  /** The command, ready to paste, for reproducing a failing case. */
  command: string;
}

export interface RunOptions {
  mode: string;
  preload: boolean;
  /** How the preload is loaded: the ESM entry (default) or the CommonJS one. */
  preloadFlag?: "--import" | "--require";
  receiverUrl: string;
  env?: Record<string, string>;
  /** Sent once the app printed READY. */
  signal?: NodeJS.Signals;
  /** Sends the same signal a second time, this long after the first (an impatient Ctrl+C). */
  repeatSignalAfterMs?: number;
  /** Hard stop for a child that never ends (a test failure, not an expectation). */
  killAfterMs?: number;
}

export function fixtureEnv(receiverUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The parent's own settings must not leak into the child's configuration.
    if (value !== undefined && !key.startsWith("AXONPUSH_") && !key.startsWith("OTEL_") && key !== "NODE_OPTIONS") env[key] = value;
  }
  return {
    ...env,
    AXONPUSH_API_KEY: "exit-test-key",
    AXONPUSH_TENANT_ID: "exit-test-tenant",
    AXONPUSH_CHANNEL_ID: "ch_exit",
    AXONPUSH_SERVICE_NAME: "exit-fixture",
    AXONPUSH_BASE_URL: receiverUrl,
    AXONPUSH_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    // Never the cloud detectors: no traffic anywhere but 127.0.0.1.
    OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process,serviceinstance,container",
    ...extra,
  };
}

export function runExitFixture(options: RunOptions): Promise<FixtureRun> {
  const preload = options.preload ? [options.preloadFlag ?? "--import", "axonpush-otel/register"] : [];
  const args = [...preload, EXIT_FIXTURE, options.mode];
  const env = fixtureEnv(options.receiverUrl, options.env);
  const shown = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v} `).join("");
  const command = `cd ${PACKAGE_ROOT} && ${shown}AXONPUSH_BASE_URL=${options.receiverUrl} node ${args.join(" ")}`;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let eventAt: number | undefined;
    const guard = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 20_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const printed = /EVENT (\d+)/.exec(stdout);
      if (printed && eventAt === undefined && !options.signal) eventAt = Number(printed[1]);
      if (options.signal && eventAt === undefined && stdout.includes("READY\n")) {
        eventAt = Date.now();
        child.kill(options.signal);
        if (options.repeatSignalAfterMs !== undefined) {
          const signal = options.signal;
          setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill(signal), options.repeatSignalAfterMs);
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(guard);
      // Let the pipes drain so stderr is complete.
      child.on("close", () =>
        resolve({
          code,
          signal,
          stdout,
          stderr,
          eventAt,
          exitedAt,
          eventToExitMs: eventAt === undefined ? undefined : exitedAt - eventAt,
          command,
        }),
      );
    });
  });
}

/** Both runs of one case: the reference (Node alone) and with the preload. */
export async function runWithAndWithout(options: Omit<RunOptions, "preload">): Promise<{ reference: FixtureRun; traced: FixtureRun }> {
  const reference = await runExitFixture({ ...options, preload: false });
  const traced = await runExitFixture({ ...options, preload: true });
  return { reference, traced };
}
