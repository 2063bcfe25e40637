// Unit tests for the on-demand instrumentation pieces that need no child
// process: which package a load is about, and whether an entry runs as CommonJS.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageKeyOfModuleName, packageOfPath, packageOfRequest, packageOfUrl } from "../src/preload/lazy/package-of.js";
import { entryIsCommonJS } from "../src/preload/lazy/entry-format.js";

describe("packageOfRequest (what Module._load is asked for)", () => {
  it.each([
    ["express", "express"],
    ["express/lib/router", "express"],
    ["@redis/client", "@redis/client"],
    ["@redis/client/dist/lib/client", "@redis/client"],
    ["node:http", "http"],
    ["dns/promises", "dns"],
    ["node:fs/promises", "fs"],
    ["/srv/app/node_modules/express/index.js", "express"],
    ["/srv/app/node_modules/@nestjs/core/index.js", "@nestjs/core"],
    ["/srv/app/node_modules/a/node_modules/pg/lib/index.js", "pg"],
    ["C:\\app\\node_modules\\pg\\lib\\index.js", "pg"],
    ["file:///srv/app/node_modules/pg/lib/index.js", "pg"],
  ])("%s -> %s", (request, expected) => {
    expect(packageOfRequest(request)).toBe(expected);
  });

  it.each(["./lib/client", "../x", "/srv/app/src/server.js", "@scope"])("%s -> nothing", (request) => {
    expect(packageOfRequest(request)).toBeUndefined();
  });
});

describe("packageOfUrl (what import-in-the-middle's wrappers register)", () => {
  it("maps core modules and files inside node_modules, and nothing else", () => {
    expect(packageOfUrl("node:dns")).toBe("dns");
    expect(packageOfUrl("node:dns/promises")).toBe("dns");
    expect(packageOfUrl("file:///srv/app/node_modules/%40hapi/hapi/lib/index.js")).toBe("@hapi/hapi");
    expect(packageOfUrl("file:///srv/app/node_modules/graphql/index.mjs?iitm=true")).toBe("graphql");
    expect(packageOfUrl("file:///srv/app/src/app.mjs")).toBeUndefined();
  });

  it("keys table targets the same way", () => {
    expect(packageKeyOfModuleName("fs/promises")).toBe("fs");
    expect(packageKeyOfModuleName("@aws-sdk/middleware-stack")).toBe("@aws-sdk/middleware-stack");
    expect(packageOfPath("/x/node_modules/.pnpm/pg@8.0.0/node_modules/pg/lib/client.js")).toBe("pg");
  });
});

describe("entryIsCommonJS (whether --import needs the ESM loader thread)", () => {
  const root = mkdtempSync(join(tmpdir(), "axonpush-entry-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const project = (type: string | undefined) => {
    const dir = mkdtempSync(join(root, "p-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify(type ? { name: "x", type } : { name: "x" }));
    mkdirSync(join(dir, "src"));
    return dir;
  };
  const facts = (argv1: string | undefined, flags: string[] = []) => ({ argv1, flags, cwd: root });

  it("follows the extension, then the nearest package.json type", () => {
    const cjs = project(undefined);
    const esm = project("module");
    expect(entryIsCommonJS(facts(join(cjs, "src/app.js")))).toBe(true);
    expect(entryIsCommonJS(facts(join(esm, "src/app.js")))).toBe(false);
    expect(entryIsCommonJS(facts(join(esm, "src/app.cjs")))).toBe(true);
    expect(entryIsCommonJS(facts(join(cjs, "src/app.mjs")))).toBe(false);
    expect(entryIsCommonJS(facts(join(esm, "src/app.ts")))).toBe(false);
    expect(entryIsCommonJS(facts(join(project("commonjs"), "src/server")))).toBe(true);
  });

  it("keeps the hook whenever a flag can make the entry (or its imports) ES modules", () => {
    const cjs = project(undefined);
    for (const flag of ["--experimental-default-type=module", "--experimental-detect-module", "--loader", "--experimental-loader=tsx"]) {
      expect(entryIsCommonJS(facts(join(cjs, "src/app.js"), [flag]))).toBe(false);
    }
    expect(entryIsCommonJS(facts(undefined))).toBe(true); // node -e
    expect(entryIsCommonJS(facts(undefined, ["--input-type=module"]))).toBe(false);
  });

  it("follows a symlinked entry (a node_modules/.bin link) to the file Node runs", () => {
    const esm = project("module");
    const cjs = project(undefined);
    writeFileSync(join(esm, "src/cli.js"), "");
    symlinkSync(join(esm, "src/cli.js"), join(cjs, "src/cli"));
    expect(entryIsCommonJS(facts(join(cjs, "src/cli")))).toBe(false);
  });

  it("keeps the hook when the package.json cannot be read", () => {
    const broken = mkdtempSync(join(root, "b-"));
    writeFileSync(join(broken, "package.json"), "{ not json");
    expect(entryIsCommonJS(facts(join(broken, "app.js")))).toBe(false);
  });
});
