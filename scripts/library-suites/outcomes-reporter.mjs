// A node:test reporter for the library-suite tier: one JSON line per test
// that ended (file, nesting, name, outcome, and the first line of a
// failure), so a bare run and a traced run of a library's own suite can be
// compared test by test (compare-outcomes.mjs).
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
  const message = String(cause?.message ?? cause ?? "");
  return message.split("\n").find((text) => text.trim() !== "")?.slice(0, 200) ?? "";
}
