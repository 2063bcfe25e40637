// --require'd first in the module-counting pass only (never in timed runs):
// marks the process so report.cjs counts loaded files. CommonJS files are
// read from require.cache; ESM files come from count-esm.mjs.
"use strict";
globalThis.__benchCountModules = true;
globalThis.__benchEsmFiles = new Set();
