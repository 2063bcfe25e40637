/**
 * Applies an InstrumentationPatch to a file's text. Pure, so a unit test can
 * check that a patch which no longer matches fails loudly.
 */
import type { InstrumentationPatch } from "./types.js";

export class PatchDoesNotApplyError extends Error {}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

export function applyPatch(source: string, patch: InstrumentationPatch, installedVersion: string): string {
  let patched = source;
  patch.edits.forEach((edit, index) => {
    const found = occurrences(patched, edit.find);
    if (found !== 1) {
      const firstLine = edit.find.trim().split("\n")[0];
      throw new PatchDoesNotApplyError(
        `instrumentation patch for ${patch.packageName} (${patch.fixes}) no longer applies: edit ${index + 1} ` +
          `expects its text exactly once in ${patch.file}, found it ${found} times (starting "${firstLine}"). ` +
          `It was written for ${patch.writtenFor}, installed is ${installedVersion}: check whether upstream fixed it, ` +
          `then update or drop scripts/instrumentation-patches/.`,
      );
    }
    // A function, so `$` sequences in the replacement stay literal.
    patched = patched.replace(edit.find, () => edit.replace);
  });
  return patched;
}
