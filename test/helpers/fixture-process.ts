/**
 * Runs a fixture app as a real child process under the preload, by package
 * name, the way a user would. Every run records a copy-pasteable command that
 * reproduces it; tests print it when they fail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { onTestFailed } from "vitest";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");

/** Local detectors only: a cloud detector would query a metadata address. */
export const LOCAL_DETECTORS = "env,host,os,process,serviceinstance,container";

export interface FixtureOptions {
  /** Path under the repository, e.g. `fixtures/express-esm/app.mjs`. */
  script: string;
  /** Node flags before the script, e.g. `["--import", "axonpush-otel/register"]`. */
  nodeArgs?: string[];
  /** Arguments after the script (the fixture's mode, say). */
  args?: string[];
  /** Added to a clean environment (no inherited AXONPUSH_* / OTEL_* / NODE_OPTIONS). */
  env?: Record<string, string>;
  cwd?: string;
  /** Wait for `READY <port>` on stdout (default true); false for fixtures that just run and exit. */
  waitForReady?: boolean;
  readyTimeoutMs?: number;
  /** The Node binary to run (default: the one running the tests). */
  node?: string;
}

export interface FixtureRun {
  readonly child: ChildProcess;
  readonly port: number;
  readonly command: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with how the process ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the process (SIGKILL: the tests read what arrived before, not what a shutdown flush adds). */
  kill(): Promise<void>;
}

function cleanEnvironment(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(AXONPUSH_|OTEL_)/.test(key) || key === "NODE_OPTIONS") continue;
    env[key] = value;
  }
  return { ...env, OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS, ...extra };
}

const shellQuote = (text: string) => (/^[\w@%+=:,./-]*$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

export function reproduceCommand(options: FixtureOptions): string {
  const env = { OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS, ...options.env };
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const cwd = options.cwd ?? REPO_ROOT;
  return `cd ${shellQuote(cwd)} && ${assignments.join(" ")} ${shellQuote(options.node ?? "node")} ${[...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])].map(shellQuote).join(" ")}`;
}

const running = new Set<FixtureRun>();

export async function runFixture(options: FixtureOptions): Promise<FixtureRun> {
  const command = reproduceCommand(options);
  onTestFailed(() => {
    console.error(`\nReproduce with (start a receiver first: npx axonpush-otel dev, and point AXONPUSH_BASE_URL at it):\n  ${command}\n`);
  });
  const child = spawn(options.node ?? process.execPath, [...(options.nodeArgs ?? []), resolve(REPO_ROOT, options.script), ...(options.args ?? [])], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnvironment(options.env ?? {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );

  let port = 0;
  if (options.waitForReady !== false) {
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    port = await new Promise<number>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`fixture not ready after ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
      const check = () => {
        const match = /READY (\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          ready(Number(match[1]));
        }
      };
      child.stdout!.on("data", check);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        fail(new Error(`fixture exited (code ${code}, signal ${signal}) before READY\nstdout: ${out}\nstderr: ${err}`));
      });
    });
  }

  const run: FixtureRun = {
    child,
    port,
    command,
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill() {
      running.delete(run);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  running.add(run);
  return run;
}

/** For afterEach: no fixture outlives its test. */
export async function killAllFixtures(): Promise<void> {
  await Promise.all([...running].map((run) => run.kill()));
}

/** The variables every traced run needs, pointing at a local receiver. */
export function axonpushEnv(receiverUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AXONPUSH_API_KEY: TEST_API_KEY,
    AXONPUSH_TENANT_ID: TEST_TENANT,
    AXONPUSH_CHANNEL_ID: "ch_e2e",
    AXONPUSH_BASE_URL: receiverUrl,
    // Short export delay so spans arrive while the fixture is still running.
    OTEL_BSP_SCHEDULE_DELAY: "50",
    ...extra,
  };
}

export const TEST_API_KEY = "ak_e2e_secret_value_0123456789";
export const TEST_TENANT = "tenant_e2e";
