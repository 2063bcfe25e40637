// Shared by the benchmark apps: prints one `BENCH_READY {json}` line when
// the server listens, with what the harness cannot see from outside.
"use strict";

function loadedFiles() {
  const files = new Set(Object.keys(require.cache));
  for (const file of globalThis.__benchEsmFiles ?? []) files.add(file);
  return files;
}

function reportReady(server, extra = {}) {
  const print = () => {
    const payload = {
      port: server.address().port,
      maxRssKiB: process.resourceUsage().maxRSS,
      uptimeMs: performance.now(),
      ...(globalThis.__benchCountModules ? { modules: loadedFiles().size } : {}),
      ...(process.env.BENCH_LIST_MODULES === "1" ? { files: [...loadedFiles()] } : {}),
      ...(globalThis.__benchRequireReport ? { requires: globalThis.__benchRequireReport() } : {}),
      ...extra,
    };
    process.stdout.write(`BENCH_READY ${JSON.stringify(payload)}\n`);
    // --cpu-prof only writes its profile on a normal exit.
    if (process.env.BENCH_EXIT_AFTER_READY === "1") process.exit(0);
  };
  // The ESM module counter receives file names over a message port: give
  // pending messages a moment to arrive before counting.
  if (globalThis.__benchCountModules) setTimeout(print, 100);
  else print();
}

/**
 * With BENCH_STATS_ON_SIGNAL=1: the first SIGUSR2 marks the start of a
 * measured window, the second prints `BENCH_STATS {json}` for it: the main
 * thread's event-loop utilisation, its CPU time and its time waiting for a
 * core, the whole process's CPU time, and RSS.
 */
if (process.env.BENCH_STATS_ON_SIGNAL === "1") {
  // Only here: the start-up section counts the files an app loads. Event-loop utilisation counts the main
  // thread's waits for the core as busy, so its own CPU time is read apart.
  const { mainThreadSchedule } = require("./main-thread-schedule.cjs");
  let start;
  process.on("SIGUSR2", () => {
    if (!start) {
      start = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage(), main: mainThreadSchedule(), at: performance.now() };
      return;
    }
    const elu = performance.eventLoopUtilization(start.elu);
    const cpu = process.cpuUsage(start.cpu);
    const main = mainThreadSchedule();
    process.stdout.write(
      `BENCH_STATS ${JSON.stringify({
        elu: elu.utilization,
        cpuMs: (cpu.user + cpu.system) / 1000,
        mainCpuMs: main.cpuMs - start.main.cpuMs,
        mainWaitMs: main.waitMs - start.main.waitMs,
        wallMs: performance.now() - start.at,
        rssKiB: process.memoryUsage.rss() / 1024,
      })}\n`,
    );
    start = undefined;
  });
}

module.exports = { reportReady, loadedFiles };
