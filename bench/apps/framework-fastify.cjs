// A CommonJS Fastify app: one instance hook and one route (as fixtures/fastify-app).
"use strict";
const Fastify = require(process.env.FASTIFY_PACKAGE || "fastify");
const { reportReady } = require("./report.cjs");

const app = Fastify({ logger: false });
app.addHook("onRequest", async function stampRequest(request) {
  request.stamped = true;
});
app.get("/items/:id", async function getItem(request) {
  return { id: request.params.id, stamped: request.stamped === true };
});
app.listen({ port: 0, host: "127.0.0.1" }).then(() => reportReady(app.server));
