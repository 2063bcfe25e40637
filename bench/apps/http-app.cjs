// A plain node:http server answering a small JSON body.
"use strict";
const http = require("node:http");
const { reportReady } = require("./report.cjs");

const body = JSON.stringify({ hello: "world" });
const server = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => reportReady(server));
