// --require'd first in the start-up profile only: times every Module._load
// (CommonJS, which is also how the ESM preloads reach the OpenTelemetry
// packages: they ship no `exports` map, so `import` loads their CommonJS
// build). Self time = inclusive time minus nested loads, per package; plus
// inclusive time of each first load that crosses from one package to another.
"use strict";
const Module = require("node:module");
const { packageOf } = require("./package-of.cjs");

const original = Module._load;
const stack = [];
const selfNs = new Map();
const crossings = new Map();
const add = (map, key, ns) => map.set(key, (map.get(key) ?? 0n) + ns);

Module._load = function timedLoad(request, parent, isMain) {
  // Resolving here is harness work: excluded from everyone's self time.
  const r0 = process.hrtime.bigint();
  let filename;
  try {
    filename = Module._resolveFilename(request, parent, isMain);
  } catch {
    filename = undefined;
  }
  const cached = filename !== undefined && Module._cache[filename] !== undefined;
  const resolveNs = process.hrtime.bigint() - r0;
  if (stack.length) stack[stack.length - 1].excluded += resolveNs;
  const frame = { excluded: 0n };
  stack.push(frame);
  const start = process.hrtime.bigint();
  try {
    return original.apply(this, arguments);
  } finally {
    const total = process.hrtime.bigint() - start;
    stack.pop();
    if (stack.length) stack[stack.length - 1].excluded += total;
    const pkg = packageOf(filename);
    add(selfNs, pkg, total - frame.excluded);
    const from = packageOf(parent?.filename);
    if (!cached && from !== pkg && pkg !== "node builtins") add(crossings, `${from} → ${pkg}`, total);
  }
};

const toMs = (map) => Object.fromEntries([...map].map(([k, ns]) => [k, Number(ns) / 1e6]));
globalThis.__benchRequireReport = () => ({ selfMs: toMs(selfNs), crossingsMs: toMs(crossings) });
