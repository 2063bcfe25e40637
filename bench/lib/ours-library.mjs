// Which parts of the built library (dist/index.js) exist right now.
import path from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./variants.mjs";

export async function loadOursLibrary() {
  const file = path.join(REPO_ROOT, "dist/index.js");
  if (!existsSync(file)) return {};
  try {
    return await import(pathToFileURL(file).href);
  } catch {
    return {};
  }
}

/** The receiver to count deliveries: ours when built, else the minimal sink. */
export async function startReceiverForBench(fallback) {
  const lib = await loadOursLibrary();
  if (typeof lib.startLocalReceiver !== "function") {
    const sink = await fallback();
    return { kind: "minimal sink", url: sink.url, count: () => sink.requests, clear: () => sink.reset(), close: () => sink.close() };
  }
  const receiver = await lib.startLocalReceiver();
  // (events are kept in memory by the receiver; cleared after each phase)
  return {
    kind: "startLocalReceiver",
    url: receiver.url,
    // events accepted since the last clear()
    count: () => receiver.events.length,
    clear: () => receiver.reset(),
    rejections: () => receiver.rejections.length,
    close: () => receiver.close(),
  };
}
