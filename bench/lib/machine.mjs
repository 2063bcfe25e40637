// Describes the machine a benchmark ran on, for the header of BENCHMARKS.md.
import os from "node:os";
import { execFileSync } from "node:child_process";

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    taskset: hasTaskset(),
  };
}

let tasksetAvailable;
export function hasTaskset() {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
      tasksetAvailable = os.cpus().length >= 2;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/**
 * Pins the harness itself (all its threads) to the last core, so the
 * measured process can have core 0 to itself. Returns whether it worked.
 */
export function pinHarness() {
  if (!hasTaskset()) return false;
  const lastCore = os.cpus().length - 1;
  try {
    execFileSync("taskset", ["-a", "-cp", String(lastCore), String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function machineLine(m) {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.platform}, Node ${m.node}`;
}
