// A plain node:http server that loads packages only when asked, so a test can
// see which instrumentations have been required, and that a package required
// late is still traced.
//   GET /loaded    -> names of the instrumentation packages in require.cache
//   GET /otel-files -> files loaded from node_modules/@opentelemetry (the preload bundles its own)
//   GET /express/* -> requires express on first use and lets it answer
//   GET /pg        -> requires pg on first use and runs one query (DATABASE_URL)
//   GET /imported/* -> reaches express through import() (an ES import of CommonJS)
"use strict";
const http = require("node:http");

const INSTRUMENTATION_FILE = /(?:[\\/]dist[\\/]lazy[\\/]|[\\/]node_modules[\\/]@opentelemetry[\\/])instrumentation-([\w.-]+?)(?:\.cjs$|[\\/])/;
function loadedInstrumentations() {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = INSTRUMENTATION_FILE.exec(file);
    if (match) names.add(match[1]);
  }
  return [...names].sort();
}

let expressApp;
function expressHandler() {
  if (!expressApp) {
    const express = require("express");
    expressApp = express();
    const router = express.Router();
    router.get("/item/:id", (req, res) => res.json({ id: req.params.id }));
    expressApp.use("/express", router);
  }
  return expressApp;
}

let importedApp;
async function importedExpress() {
  if (!importedApp) {
    const { default: express } = await import("express");
    importedApp = express();
    importedApp.get("/imported/item/:id", (req, res) => res.json({ id: req.params.id }));
  }
  return importedApp;
}

let pool;
async function queryPg() {
  if (!pool) {
    const pg = require("pg");
    pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  }
  const { rows } = await pool.query("SELECT 1 + 1 AS two");
  return rows[0].two;
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.url === "/loaded") return res.end(JSON.stringify(loadedInstrumentations()));
    if (req.url === "/otel-files") return res.end(JSON.stringify(Object.keys(require.cache).filter((f) => /[\\/]node_modules[\\/]@opentelemetry[\\/]/.test(f))));
    if (req.url.startsWith("/express/")) return expressHandler()(req, res);
    if (req.url.startsWith("/imported/")) return (await importedExpress())(req, res);
    if (req.url === "/pg") return res.end(JSON.stringify({ two: await queryPg() }));
    res.writeHead(404).end();
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(0, "127.0.0.1", () => console.log(`READY ${server.address().port}`));
