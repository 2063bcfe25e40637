/**
 * Where dist/sender.cjs is. In the bundles (the library, the preload, the
 * CLI) it sits beside them in dist/; from the sources (vitest) it is the
 * built copy in the repository's dist/, which `npm test` builds first.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

declare const __AXONPUSH_BUNDLED__: boolean | undefined;

export const SENDER_FILE = "sender.cjs";

export function senderEntryPath(): string {
  // In the CJS builds `__dirname` exists; in the ESM build, `import.meta.url` does.
  const here = typeof __dirname === "string" ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  const bundled = typeof __AXONPUSH_BUNDLED__ === "boolean" && __AXONPUSH_BUNDLED__;
  return bundled ? path.join(here, SENDER_FILE) : path.resolve(here, "../../dist", SENDER_FILE);
}
