// The main thread's own time on a CPU and waiting for one while runnable, in
// ms (Linux schedstat; NaN elsewhere), for the measured processes of the
// bench: what the main thread did, apart from the other threads of the
// process (ours: the sender), which share its core and make it wait.
"use strict";
const { readFileSync } = require("node:fs");

function mainThreadSchedule() {
  try {
    const [onCpuNs, waitingNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ").map(Number);
    return { cpuMs: onCpuNs / 1e6, waitMs: waitingNs / 1e6 };
  } catch {
    return { cpuMs: NaN, waitMs: NaN };
  }
}

module.exports = { mainThreadSchedule };
