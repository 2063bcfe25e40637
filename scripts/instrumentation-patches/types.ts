/**
 * A build-time patch of one file of an upstream instrumentation package: a
 * list of exact text edits. Each `find` must occur exactly once in the
 * installed file, or the build fails (the patch no longer applies: upstream
 * changed the code, maybe fixed the bug; look again, then update or drop it).
 */
export interface SourceEdit {
  /** Text of the installed file, whitespace included; must occur exactly once. */
  find: string;
  /** What takes its place. */
  replace: string;
}

export interface InstrumentationPatch {
  /** The npm package, e.g. `@opentelemetry/instrumentation-koa`. */
  packageName: string;
  /** The version the edits were written against (named in build errors). */
  writtenFor: string;
  /** The file inside the package, e.g. `build/src/instrumentation.js`. */
  file: string;
  /** What it fixes, in one line (shown in build errors). */
  fixes: string;
  edits: readonly SourceEdit[];
}
