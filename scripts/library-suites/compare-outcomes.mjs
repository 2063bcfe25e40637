// Compares the outcome of each test of a library's own suite run bare and
// run under the preload. Pure, so the unit tests can check every rule.
//
// A test is known by its file, its nesting and its name (and, for tests of
// the same name, the order they ended in). It counts as passed when it passed
// both ways and as failed when its outcome differs (or it ran only one way).
// Tests that failed both ways (e.g. for want of network) and tests skipped
// both ways are not compared: the preload changed nothing there.
import path from "node:path";

/** Parses the reporter's JSON lines into a Map of test key -> outcome line. */
export function outcomesByTest(jsonLines, suiteDir) {
  const byTest = new Map();
  const seen = new Map();
  for (const text of jsonLines.split("\n")) {
    if (text.trim() === "") continue;
    const line = JSON.parse(text);
    const file = line.file ? path.relative(suiteDir, line.file) : "(no file)";
    // A file that fails as a whole (it crashed, or is no node:test file) is named by its path.
    const name = line.name === line.file ? "(the file)" : line.name;
    const base = `${file} > ${line.nesting} > ${name}`;
    const occurrence = (seen.get(base) ?? 0) + 1;
    seen.set(base, occurrence);
    byTest.set(occurrence === 1 ? base : `${base} #${occurrence}`, { ...line, file, name });
  }
  return byTest;
}

/** What differs between the two runs, and what was compared. */
export function compareOutcomes(bare, traced) {
  const result = { passed: [], differences: [], failedBothWays: [], skippedBothWays: [] };
  for (const key of new Set([...bare.keys(), ...traced.keys()])) {
    const before = bare.get(key);
    const after = traced.get(key);
    const name = displayName(before ?? after);
    if (before?.outcome === after?.outcome) {
      if (before.outcome === "pass") result.passed.push(name);
      else if (before.outcome === "fail") result.failedBothWays.push(name);
      else result.skippedBothWays.push(name);
      continue;
    }
    result.differences.push({
      name,
      bare: before?.outcome ?? "did not run",
      traced: after?.outcome ?? "did not run",
      error: after?.outcome === "fail" ? after.error : before?.outcome === "fail" ? before.error : undefined,
    });
  }
  return result;
}

/**
 * Sets apart the differences a suite expects (what tracing adds by design):
 * those must differ; any other difference, and any expected one that did
 * not happen, fails.
 */
export function setApartExpected(differences, expectedNames = []) {
  const expected = new Set(expectedNames);
  return {
    asExpected: differences.filter((d) => expected.has(d.name)),
    unexpected: differences.filter((d) => !expected.has(d.name)),
    missing: [...expected].filter((name) => !differences.some((d) => d.name === name)),
  };
}

/** The files whose tests differ (to run again and confirm). */
export const filesOf = (differences) => [...new Set(differences.map((d) => d.name.split(" > ")[0]))];

const displayName = (line) => `${line.file} > ${line.name}`;
