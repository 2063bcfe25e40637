#!/usr/bin/env node
/**
 * The library-suite tier: a library's own test suite (shipped in its npm
 * package), run bare and under `--import axonpush-otel/register`, test by
 * test. Any test whose outcome differs fails the tier, by name. Files with a
 * difference run once more both ways, and only a difference seen both times
 * counts (a busy machine makes timing tests flip either way). Tests that fail
 * or are skipped both ways are not compared (e.g. those that need the
 * internet).
 *
 * A suite may name tests that differ by design (what tracing adds, e.g. trace
 * ids in log records): those must differ, and count as passed when they do.
 *
 * Ends with one line `N passed, M failed`: N tests passed both ways (or
 * differed by design), M tests changed outcome under the preload (plus 1 if
 * the run itself broke, or per test that was to differ and did not,
 * or if the receiver saw none of the spans that show the suite was traced:
 * a tier that traced nothing proves nothing).
 *
 *   node scripts/library-suites/run-suite.mjs fastify      (after npm run build)
 */
import { LIBRARY_SUITES } from "./suites.mjs";
import { prepareScratch } from "./scratch.mjs";
import { startReceiver, withoutPreload } from "./receiver.mjs";
import { runTests } from "./run-tests.mjs";
import { compareOutcomes, filesOf, setApartExpected } from "./compare-outcomes.mjs";

const LOCAL_DETECTORS = "env,host,os,process,serviceinstance,container";
// A whole run of Fastify's suite takes ~2-4 min on a 2-core machine; one that hangs must not eat CI's budget.
const RUN_TIMEOUT_MS = Number(process.env.LIBRARY_SUITE_RUN_TIMEOUT_MS) || 15 * 60_000;
const SHOWN = 40;

async function main(name) {
  const suite = LIBRARY_SUITES[name];
  if (!suite) throw new Error(`no library suite named ${JSON.stringify(name)}; known: ${Object.keys(LIBRARY_SUITES).join(", ")}`);
  const version = suite.version();
  console.log(`=== ${suite.packageName}@${version}: its own test suite, bare and under --import axonpush-otel/register ===`);
  const { root, libraryDir } = prepareScratch(suite, version);
  const files = suite.testFiles(libraryDir);
  console.log(`${files.length} test files in ${libraryDir}`);

  const receiver = await startReceiver(root, suite.engaged.span);
  // CI=true as in the library's own CI (GitHub Actions sets it): its suite leaves out what it leaves out there
  // (pino's "eight million lines" takes ~56 s of its 60 s timeout bare on a 2-core machine).
  const env = { ...withoutPreload(process.env), CI: "true", OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS, AXONPUSH_API_KEY: "library-suite", AXONPUSH_BASE_URL: receiver.url };
  const runBoth = async (someFiles, round) => {
    const options = { libraryDir, files: someFiles, testTimeoutMs: suite.testTimeoutMs, runTimeoutMs: RUN_TIMEOUT_MS };
    const bare = await runTests({ ...options, env, label: `bare-${round}` });
    const traced = await runTests({ ...options, env: { ...env, NODE_OPTIONS: "--import axonpush-otel/register" }, label: `traced-${round}` });
    for (const [which, run] of [["bare", bare], ["traced", traced]]) {
      console.log(`${round} ${which}: ${run.outcomes.size} tests in ${run.seconds.toFixed(0)} s` + (run.timedOut ? ` (killed after ${RUN_TIMEOUT_MS / 1000} s)` : ""));
    }
    return { bare, traced, comparison: compareOutcomes(bare.outcomes, traced.outcomes) };
  };

  const broken = [];
  const first = await runBoth(files, "run");
  let { differences } = first.comparison;
  for (const [which, run] of [["bare", first.bare], ["traced", first.traced]]) {
    if (run.timedOut || run.outcomes.size === 0) broken.push(`the ${which} run ${run.timedOut ? "timed out" : "reported no test"}; its stderr ends:\n${run.stderr}`);
    // node --test ends 0 or 1 (some test failed); anything else is the runner itself breaking (its reporter, say), losing outcomes.
    else if (run.code !== 0 && run.code !== 1) broken.push(`the ${which} run ended with code ${run.code ?? run.signal}; its stderr ends:\n${run.stderr}`);
  }
  if (differences.length > 0 && broken.length === 0) {
    const again = await runBoth(filesOf(differences), "again");
    const confirmed = new Set(again.comparison.differences.map((d) => d.name));
    const flipped = differences.filter((d) => !confirmed.has(d.name));
    if (flipped.length > 0) console.log(`Not seen again (timing), not counted:\n${flipped.map(describe).join("\n")}`);
    differences = differences.filter((d) => confirmed.has(d.name));
  }
  await receiver.stop();

  const { passed, failedBothWays, skippedBothWays } = first.comparison;
  const { asExpected, unexpected, missing } = setApartExpected(differences, suite.expectedDifferences?.tests);
  differences = unexpected;
  if (asExpected.length > 0) console.log(`${asExpected.length} tests differ by design (${suite.expectedDifferences.why}):\n${asExpected.map(describe).join("\n")}`);
  for (const name of missing) broken.push(`${name} was to differ by design (${suite.expectedDifferences.why}) and did not`);
  console.log(`Spans received from the traced runs: ${receiver.counts.spans} (${receiver.counts.engaged} ${suite.engaged.what}), refused: ${receiver.counts.rejections}`);
  if (receiver.counts.engaged === 0) broken.push(`the receiver saw none of ${suite.engaged.what}: the preload did not trace the suite`);
  console.log(`Not compared: ${failedBothWays.length} tests failed both ways, ${skippedBothWays.length} skipped both ways.`);
  if (failedBothWays.length > 0) console.log(failedBothWays.slice(0, SHOWN).map((test) => `  failed both ways: ${test}`).join("\n"));
  if (differences.length > 0) {
    console.log(`${differences.length} tests behave differently under the preload:`);
    console.log(differences.slice(0, SHOWN).map(describe).join("\n"));
  }
  for (const problem of broken) console.log(`FAILED: ${problem}`);
  console.log(`${passed.length + asExpected.length} passed, ${differences.length + broken.length} failed`);
  process.exitCode = differences.length + broken.length > 0 ? 1 : 0;
}

const describe = (d) => `  ${d.name}: bare ${d.bare}, traced ${d.traced}${d.error ? ` (${d.error})` : ""}`;

main(process.argv[2] ?? "").catch((error) => {
  console.log(`FAILED: ${error?.stack ?? error}`);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});
