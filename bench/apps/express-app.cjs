// A small CommonJS Express app: a middleware, a router and two routes.
"use strict";
const express = require("express");
const { reportReady } = require("./report.cjs");

const app = express();
app.use((req, res, next) => {
  res.setHeader("x-bench", "1");
  next();
});
const users = express.Router();
users.get("/:id", (req, res) => res.json({ id: req.params.id, name: "bench user" }));
app.use("/users", users);
app.get("/hello", (req, res) => res.json({ hello: "world" }));

const server = app.listen(0, "127.0.0.1", () => reportReady(server));
