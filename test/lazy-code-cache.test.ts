// The preload bundle's loader: same module semantics as require(), a V8
// code cache in a private directory, and no cache where others could write.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireWithCodeCache } from "../src/preload/lazy/code-cache.js";

const require = createRequire(import.meta.url);
const root = mkdtempSync(join(tmpdir(), "axonpush-code-cache-"));
const savedTmp = process.env.TMPDIR;
let temp: string;

afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  temp = mkdtempSync(join(root, "tmp-"));
  process.env.TMPDIR = temp; // os.tmpdir() reads it on every call
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

let counter = 0;
function writeBundle(): string {
  const dir = mkdtempSync(join(root, "bundle-"));
  writeFileSync(join(dir, "helper.cjs"), "module.exports = { answer: 42 };");
  const file = join(dir, `bundle-${counter++}.cjs`);
  writeFileSync(
    file,
    [
      "exports.helper = require('./helper.cjs');", // relative to the bundle, as require() resolves it
      "exports.filename = __filename;",
      "exports.self = () => module;",
      "exports.again = () => require(__filename);",
    ].join("\n"),
  );
  return file;
}
const cacheFiles = () => readdirSync(temp).flatMap((dir) => readdirSync(join(temp, dir)).map((name) => join(dir, name)));

describe("requireWithCodeCache", () => {
  it("loads like require(): relative requires, __filename, one module in require.cache", () => {
    const file = writeBundle();
    const loaded = requireWithCodeCache(file);
    const exports = loaded.exports as { helper: { answer: number }; filename: string; self: () => NodeJS.Module; again: () => unknown };
    expect(exports.helper.answer).toBe(42);
    expect(exports.filename).toBe(file);
    expect(require.cache[file]).toBe(exports.self());
    expect(exports.self().loaded).toBe(true);
    expect(exports.again()).toBe(exports); // required back: the same instance, as the lazy pieces rely on
    expect(require(file)).toBe(exports);
    expect(requireWithCodeCache(file).exports).toBe(exports);
  });

  it("writes a cache once start-up code ran, in a directory only this user can write", () => {
    const file = writeBundle();
    const loaded = requireWithCodeCache(file);
    expect(cacheFiles()).toEqual([]);
    loaded.saveCache();
    loaded.saveCache();
    const [cache, ...more] = cacheFiles();
    expect(more).toEqual([]);
    expect(cache).toMatch(/^axonpush-otel-cache-[^/]+\/bundle-\d+\.cjs-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8$/);
    delete require.cache[file];
    // The next load finds it and has nothing to write.
    const second = requireWithCodeCache(file);
    second.saveCache();
    expect(cacheFiles()).toEqual([cache]);
    expect((second.exports as { helper: { answer: number } }).helper.answer).toBe(42);
  });

  it("replaces the cache of an earlier build of the same bundle", () => {
    const file = writeBundle();
    requireWithCodeCache(file).saveCache();
    const [first] = cacheFiles();
    delete require.cache[file];
    writeFileSync(file, "exports.rebuilt = true; // a different size");
    const rebuilt = requireWithCodeCache(file);
    expect((rebuilt.exports as { rebuilt: boolean }).rebuilt).toBe(true);
    rebuilt.saveCache();
    const after = cacheFiles();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first);
  });

  it("ignores a cache directory others can write, or a symlink in its place", () => {
    const uid = process.getuid!();
    const shared = join(temp, `axonpush-otel-cache-${uid}`);
    mkdirSync(shared, { mode: 0o700 });
    chmodSync(shared, 0o777);
    const file = writeBundle();
    requireWithCodeCache(file).saveCache();
    expect(readdirSync(shared)).toEqual([]);

    rmSync(shared, { recursive: true });
    const elsewhere = mkdtempSync(join(root, "elsewhere-"));
    symlinkSync(elsewhere, shared);
    const other = writeBundle();
    requireWithCodeCache(other).saveCache();
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("runs without a cache when the temp dir is missing, creating nothing (no recursive mkdir: it never returns under /proc)", () => {
    const missing = join(temp, "missing", "deeper");
    process.env.TMPDIR = missing;
    const file = writeBundle();
    const loaded = requireWithCodeCache(file);
    loaded.saveCache();
    expect((loaded.exports as { helper: { answer: number } }).helper.answer).toBe(42);
    expect(existsSync(join(temp, "missing"))).toBe(false);
  });

  it("throws what the module throws, and leaves no half-loaded module behind", () => {
    const dir = mkdtempSync(join(root, "broken-"));
    const file = join(dir, "broken.cjs");
    writeFileSync(file, "throw new Error('broken at load');");
    expect(() => requireWithCodeCache(file)).toThrow("broken at load");
    expect(require.cache[file]).toBeUndefined();
  });
});
