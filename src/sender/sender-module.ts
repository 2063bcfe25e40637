/**
 * dist/sender.cjs loaded on this thread: the same code the sender thread
 * runs, for a lane that must send from the app's thread (no thread could
 * start) and for `axonpush-otel check`, which sends its one span exactly as
 * a lane would, without a second copy of the sending code in its own bundle.
 */
import { createRequire } from "node:module";
import { senderEntryPath } from "./entry-path.js";

export type SenderModule = typeof import("./entry.js");

export function loadSenderModule(entry: string = senderEntryPath()): SenderModule {
  // In the CJS builds `__filename` exists; in the ESM build, `import.meta.url` does.
  const requireHere = createRequire(typeof __filename === "string" ? __filename : import.meta.url);
  return requireHere(entry) as SenderModule;
}
