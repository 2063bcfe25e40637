// The CommonJS Express app of issue 11 (as fixtures/express-cjs/app.cjs):
// express.json(), one named middleware, a router at /api, one route.
// EXPRESS_PACKAGE picks the copy (Express 4 from fixtures/majors).
"use strict";
const express = require(process.env.EXPRESS_PACKAGE || "express");
const { reportReady } = require("./report.cjs");

const app = express();
app.use(express.json());
app.use(function logRequests(_req, _res, next) {
  next();
});
const users = express.Router();
users.get("/users/:id", function getUser(req, res) {
  res.json({ id: req.params.id, name: "bench user" });
});
app.use("/api", users);

const server = app.listen(0, "127.0.0.1", () => reportReady(server));
