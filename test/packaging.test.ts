// Checks the packed tarball the way the ecosystem does (publint and
// "Are the Types Wrong?"), so a broken `exports` map, a missing build output
// or missing types fails CI instead of a user's install.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const root = resolve(import.meta.dirname, "..");
let packDir: string;
let tarball: string;

beforeAll(() => {
  packDir = mkdtempSync(join(tmpdir(), "axonpush-pack-"));
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  tarball = join(packDir, info!.filename);
});

afterAll(() => {
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

describe("packed tarball", () => {
  it("passes publint in strict mode", async () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const buffer = readFileSync(tarball);
    const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    const { messages } = await publint({ pack: { tarball: arrayBuffer }, strict: true });
    const readable = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    expect(readable).toEqual([]);
  });

  it("passes @arethetypeswrong/cli for every entry point", () => {
    const bin = join(root, "node_modules", ".bin", "attw");
    let output = "";
    let status = 0;
    try {
      output = execFileSync(bin, [tarball, "--format", "ascii", "--no-color", "--no-emoji"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      const failure = error as { status: number; stdout: string; stderr: string };
      status = failure.status;
      output = `${failure.stdout}\n${failure.stderr}`;
    }
    expect(output).not.toMatch(/No types|Resolution failed|Masquerading|Internal resolution error/);
    expect(status, output).toBe(0);
  }, 120_000); // attw type-checks every entry of the tarball: 20-30 s on a busy 2-core machine

  it("ships the built entries named in the exports map and bin", () => {
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
    for (const file of [
      "package/dist/index.js",
      "package/dist/index.cjs",
      "package/dist/index.d.ts",
      "package/dist/index.d.cts",
      "package/dist/register.js",
      "package/dist/register.cjs",
      "package/dist/cli.js",
      "package/dist/THIRD-PARTY-LICENSES.txt",
      "package/LICENSE",
      "package/README.md",
    ]) {
      expect(listing).toContain(file);
    }
    expect(listing.some((f) => f.startsWith("package/src/") || f.startsWith("package/test/"))).toBe(false);
  });

  it("ships the MIT licence package.json names", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { license: string };
    const licence = execFileSync("tar", ["-xzOf", tarball, "package/LICENSE"], { encoding: "utf8" });
    expect(pkg.license).toBe("MIT");
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) axonpush-otel contributors\n/);
  });
});
