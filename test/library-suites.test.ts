// The library-suite tier (scripts/library-suites/): its reporter records each
// test of a real node:test run, and the comparison counts a test as passed
// only when it passed both ways, fails on any change of outcome, and leaves
// out tests that failed or were skipped both ways.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { compareOutcomes, filesOf, outcomesByTest, setApartExpected } from "../scripts/library-suites/compare-outcomes.mjs";
import { REPO_ROOT } from "./helpers/fixture-process.js";

const line = (file: string, name: string, outcome: string, nesting = 0) => JSON.stringify({ file: `/suite/${file}`, nesting, name, outcome });
const outcomes = (...lines: string[]) => outcomesByTest(lines.join("\n"), "/suite");

describe("library suites: comparing a bare run with a traced one", () => {
  it("counts tests that passed both ways, and names each test whose outcome changed", () => {
    const bare = outcomes(line("test/a.test.js", "keeps", "pass"), line("test/a.test.js", "breaks", "pass"), line("test/b.test.js", "recovers", "fail"));
    const traced = outcomes(line("test/a.test.js", "keeps", "pass"), line("test/a.test.js", "breaks", "fail"), line("test/b.test.js", "recovers", "pass"));
    const result = compareOutcomes(bare, traced);
    expect(result.passed).toEqual(["test/a.test.js > keeps"]);
    expect(result.differences.map((d: { name: string; bare: string; traced: string }) => [d.name, d.bare, d.traced])).toEqual([
      ["test/a.test.js > breaks", "pass", "fail"],
      ["test/b.test.js > recovers", "fail", "pass"],
    ]);
    expect(filesOf(result.differences)).toEqual(["test/a.test.js", "test/b.test.js"]);
  });

  it("leaves out tests that failed both ways or were skipped both ways", () => {
    const both = [line("test/net.test.js", "needs the internet", "fail"), line("test/c.test.js", "skipped", "skip"), line("test/c.test.js", "todo", "todo")];
    const result = compareOutcomes(outcomes(...both), outcomes(...both));
    expect(result).toMatchObject({ passed: [], differences: [], failedBothWays: ["test/net.test.js > needs the internet"] });
    expect(result.skippedBothWays).toHaveLength(2);
  });

  it("counts a test that ran only one way as a difference", () => {
    const result = compareOutcomes(outcomes(line("test/a.test.js", "only bare", "pass")), outcomes(line("test/a.test.js", "only traced", "pass")));
    expect(result.differences.map((d: { bare: string; traced: string }) => [d.bare, d.traced])).toEqual([
      ["pass", "did not run"],
      ["did not run", "pass"],
    ]);
  });

  it("sets apart the differences a suite expects by design: they must happen, and nothing else may differ", () => {
    const differences = [{ name: "test/http.test.js > logs a request" }, { name: "test/basic.test.js > something else" }];
    expect(setApartExpected(differences, ["test/http.test.js > logs a request", "test/http.test.js > logs a response"])).toEqual({
      asExpected: [{ name: "test/http.test.js > logs a request" }],
      unexpected: [{ name: "test/basic.test.js > something else" }],
      missing: ["test/http.test.js > logs a response"],
    });
    expect(setApartExpected(differences)).toMatchObject({ asExpected: [], missing: [] });
  });

  it("names a file that failed as a whole by its path", () => {
    const crashed = JSON.stringify({ file: "/suite/test/crash.test.js", nesting: 0, name: "/suite/test/crash.test.js", outcome: "fail" });
    expect([...outcomesByTest(crashed, "/suite").keys()]).toEqual(["test/crash.test.js > 0 > (the file)"]);
  });

  it("tells tests of the same name apart by nesting and by order", () => {
    const bare = outcomes(line("t.js", "same", "pass"), line("t.js", "same", "pass", 1), line("t.js", "same", "pass", 1));
    const traced = outcomes(line("t.js", "same", "pass"), line("t.js", "same", "pass", 1), line("t.js", "same", "fail", 1));
    expect(bare.size).toBe(3);
    expect(compareOutcomes(bare, traced).differences).toHaveLength(1);
  });
});

describe("library suites: the outcomes reporter", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "axonpush-reporter-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one line per ended test of a real node --test run, with its file, nesting and outcome", () => {
    const testFile = path.join(dir, "sample.test.mjs");
    writeFileSync(
      testFile,
      [
        'import { test } from "node:test";',
        'import assert from "node:assert";',
        'test("passes", () => {});',
        'test("fails", () => { throw new Error("planned failure\\nsecond line"); });',
        'test("skipped", { skip: true }, () => {});',
        'test("outer", async (t) => { await t.test("inner", () => {}); });',
        // As in pino's suite under the preload: an assertion about a value without a string form.
        'test("throws a value without a string form", () => { assert.equal(Object.create(null), process.stdout); });',
        'test("runs after it", () => {});',
      ].join("\n"),
    );
    const destination = path.join(dir, "outcomes.jsonl");
    const reporter = path.join(REPO_ROOT, "scripts", "library-suites", "outcomes-reporter.mjs");
    try {
      execFileSync(process.execPath, ["--test", `--test-reporter=${reporter}`, `--test-reporter-destination=${destination}`, testFile], { cwd: dir, stdio: "ignore" });
    } catch {
      // One test fails on purpose: node --test exits 1.
    }
    const byTest = outcomesByTest(readFileSync(destination, "utf8"), dir);
    expect(Object.fromEntries([...byTest].map(([key, test]) => [key, test.outcome]))).toEqual({
      "sample.test.mjs > 0 > passes": "pass",
      "sample.test.mjs > 0 > fails": "fail",
      "sample.test.mjs > 0 > skipped": "skip",
      "sample.test.mjs > 1 > inner": "pass",
      "sample.test.mjs > 0 > outer": "pass",
      "sample.test.mjs > 0 > throws a value without a string form": "fail",
      "sample.test.mjs > 0 > runs after it": "pass",
    });
    expect(byTest.get("sample.test.mjs > 0 > fails").error).toBe("planned failure");
    expect(byTest.get("sample.test.mjs > 0 > throws a value without a string form").error).toContain("[Object: null prototype] {} == ");
  });
});
