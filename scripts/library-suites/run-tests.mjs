// One run of a library's own test files with Node's test runner (which is
// what Fastify's borp drives), each file in its own process, with our
// reporter writing every test's outcome to a file.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { outcomesByTest } from "./compare-outcomes.mjs";

const REPORTER = fileURLToPath(new URL("./outcomes-reporter.mjs", import.meta.url));

/**
 * Runs `files` (relative to `libraryDir`) and returns each test's outcome,
 * how long it took, and how the runner ended. A run that outlives
 * `runTimeoutMs` is killed (its process group) and says so.
 */
export function runTests({ libraryDir, files, env, testTimeoutMs, runTimeoutMs, label }) {
  const destination = path.join(libraryDir, "..", "..", `outcomes-${label}.jsonl`);
  rmSync(destination, { force: true });
  const args = ["--test", `--test-timeout=${testTimeoutMs}`, `--test-reporter=${REPORTER}`, `--test-reporter-destination=${destination}`, ...files];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: libraryDir, env, stdio: ["ignore", "ignore", "pipe"], detached: true });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, "SIGKILL");
    }, runTimeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      let text = "";
      try {
        text = readFileSync(destination, "utf8");
      } catch {
        // No test ended: the caller sees an empty map.
      }
      resolve({ outcomes: outcomesByTest(text, libraryDir), seconds: (Date.now() - started) / 1000, code, signal, timedOut, stderr });
    });
  });
}
