/**
 * One server process of the tier: spawned from its Debian binary, awaited
 * until it says it is ready, stopped (SIGTERM, then SIGKILL) with its
 * throwaway data directory removed. A server still running when the test
 * process ends is killed with it, so none outlives the tier.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ServerProcessOptions {
  /** Shown in errors, e.g. "redis-server". */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  user?: SystemUser;
  /** Ready once its output (stdout and stderr together) matches. */
  readyWhen: RegExp;
  readyTimeoutMs?: number;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Runs a command to its end (initdb, mariadb-install-db); throws with its output when it fails. */
export function runToEnd(name: string, command: string, args: string[], options: { env?: Record<string, string>; user?: SystemUser; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", (error) => reject(new Error(`${name} could not run: ${error.message}`)));
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${name} failed (code ${code}, signal ${signal}):\n${output.slice(-4000)}`));
    });
  });
}

export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  running.add(child);
  let output = "";
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      running.delete(child);
      done();
    }),
  );
  const server: ServerProcess = {
    child,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const fail = (why: string) => {
      clearTimeout(timer);
      void server.stop(1_000).then(() => reject(new Error(`${options.name} ${why}\n${output.slice(-4000)}`)));
    };
    const timer = setTimeout(() => fail(`was not ready after ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: string) => {
      output += chunk;
      if (options.readyWhen.test(output)) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    child.stdout!.setEncoding("utf8").on("data", onData);
    child.stderr!.setEncoding("utf8").on("data", onData);
    child.once("error", (error) => fail(`could not start: ${error.message}`));
    child.once("exit", (code, signal) => {
      if (!options.readyWhen.test(output)) fail(`exited (code ${code}, signal ${signal}) before it was ready`);
    });
  });
}

/**
 * Starts a server in a throwaway directory (owned by `user` when one is
 * given), which goes when the server stops, or at once if it never starts.
 */
export async function inThrowawayDir<T extends { stop(): Promise<void> }>(prefix: string, user: SystemUser | undefined, start: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `axonpush-${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    const server = await start(dir);
    return {
      ...server,
      async stop() {
        await server.stop();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * Starts a server on ports found free a moment before; another process may
 * take one in between, so a start that fails is tried again on new ports.
 */
export async function withFreshPorts<T>(attempts: number, start: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await start();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
