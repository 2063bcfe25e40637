// --import'ed first in the module-counting pass: a load hook (running on the
// loader thread) posts every file: URL it loads; we keep them as paths.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
import { fileURLToPath } from "node:url";

const { port1, port2 } = new MessageChannel();
const files = (globalThis.__benchEsmFiles ??= new Set());
port1.on("message", (url) => {
  if (url.startsWith("file:")) files.add(fileURLToPath(url));
});
port1.unref();
register("./count-esm-hooks.mjs", import.meta.url, { data: { port: port2 }, transferList: [port2] });
