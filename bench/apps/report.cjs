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

module.exports = { reportReady, loadedFiles };
