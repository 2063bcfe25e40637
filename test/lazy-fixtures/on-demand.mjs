// The ES module twin: packages and core modules reached by `import()` only
// when asked (the ESM loader hook is in place for an .mjs entry).
//   GET /express/* -> imports express on first use and lets it answer
//   GET /dns       -> imports node:dns on first use and resolves localhost
//   GET /loaded    -> names of the instrumentation packages loaded so far
import http from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const INSTRUMENTATION_FILE = /(?:[\\/]dist[\\/]lazy[\\/]|[\\/]node_modules[\\/]@opentelemetry[\\/])instrumentation-([\w.-]+?)(?:\.cjs$|[\\/])/;
const loaded = () => [...new Set(Object.keys(require.cache).flatMap((f) => INSTRUMENTATION_FILE.exec(f)?.[1] ?? []))].sort();

let expressApp;
async function expressHandler() {
  if (!expressApp) {
    const { default: express } = await import("express");
    expressApp = express();
    expressApp.get("/express/item/:id", (req, res) => res.json({ id: req.params.id }));
  }
  return expressApp;
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.url === "/loaded") return res.end(JSON.stringify(loaded()));
    if (req.url.startsWith("/express/")) return (await expressHandler())(req, res);
    if (req.url === "/dns") {
      const dns = await import("node:dns");
      const address = await new Promise((ok, fail) => dns.lookup("localhost", (e, a) => (e ? fail(e) : ok(a))));
      return res.end(JSON.stringify({ address }));
    }
    res.writeHead(404).end();
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(0, "127.0.0.1", () => console.log(`READY ${server.address().port}`));
