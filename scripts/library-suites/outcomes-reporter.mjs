// A node:test reporter for the library-suite tier: one JSON line per test
// that ended (file, nesting, name, outcome, and the first line of a
// failure), so a bare run and a traced run of a library's own suite can be
// compared test by test (compare-outcomes.mjs).
import { inspect } from "node:util";

export default async function* outcomesReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { file, nesting, name, skip, todo, details } = event.data;
    let outcome = event.type === "test:pass" ? "pass" : "fail";
    if (skip) outcome = "skip";
    else if (todo) outcome = "todo";
    const line = { file, nesting, name, outcome };
    if (outcome === "fail") line.error = firstLineOf(details?.error);
    yield `${JSON.stringify(line)}\n`;
  }
}

function firstLineOf(error) {
  const cause = error?.cause ?? error;
  return textOf(cause?.message ?? cause ?? "").split("\n").find((text) => text.trim() !== "")?.slice(0, 200) ?? "";
}

// What a test threw may be any value: an object without a string form (a
// null prototype, an assertion's actual value) must not stop the reporter,
// which would lose every later test's outcome.
function textOf(value) {
  try {
    return typeof value === "string" ? value : String(value);
  } catch {
    return inspect(value, { depth: 1, breakLength: Infinity });
  }
}
