// Spawning measured processes: pinned to core 0 when taskset exists (the
// harness sits on the other core), with a hard timeout so nothing hangs.
import { spawn } from "node:child_process";
import { hasTaskset } from "./machine.mjs";
import { REPO_ROOT } from "./variants.mjs";

// `node`: another Node binary than the harness's own (bench/esm-hooks.mjs compares Node lines).
export function spawnNode(nodeArgs, { env, core = 0, stdio = ["ignore", "pipe", "pipe"], ipc = false, node = process.execPath } = {}) {
  const pinned = hasTaskset() && core !== null;
  const command = pinned ? "taskset" : node;
  const args = pinned ? ["-c", String(core), node, ...nodeArgs] : nodeArgs;
  const finalStdio = ipc ? [...stdio, "ipc"] : stdio;
  return spawn(command, args, { cwd: REPO_ROOT, env, stdio: finalStdio });
}

/**
 * Starts a process and resolves when a stdout line starts with `marker`,
 * with { child, wallMs, payload (parsed JSON after the marker), stderr }.
 * Rejects after `timeoutMs` (and kills the child).
 */
export function spawnUntilLine(nodeArgs, { env, marker = "BENCH_READY ", timeoutMs = 30_000, core = 0, node } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawnNode(nodeArgs, { env, core, node });
    let stdout = "";
    let stderr = "";
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      reject(new Error(`timeout waiting for ${marker.trim()}; stderr: ${stderr.slice(0, 500)}`));
    }, timeoutMs);
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (d) => {
      if (done) return;
      stdout += d;
      const line = stdout.split("\n").find((l) => l.startsWith(marker));
      if (!line || !stdout.includes("\n", stdout.indexOf(marker))) return;
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      done = true;
      clearTimeout(timer);
      let payload = {};
      try {
        payload = JSON.parse(line.slice(marker.length));
      } catch {
        // payload stays empty
      }
      resolve({ child, wallMs, payload, stderr: () => stderr });
    });
    child.on("exit", (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${marker.trim()}; stderr: ${stderr.slice(0, 800)}`));
    });
  });
}

/** Runs a process to completion: { wallMs, code, stdout, stderr }. */
export function runToExit(nodeArgs, { env, timeoutMs = 30_000, core = 0, node } = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawnNode(nodeArgs, { env, core, node });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, code: code ?? signal, stdout, stderr });
    });
  });
}

/** Kills a child hard and waits for it to be gone. */
export function killChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
