// The same small Express app as express-app.cjs, written as ESM.
import express from "express";
import report from "./report.cjs";

const app = express();
app.use((req, res, next) => {
  res.setHeader("x-bench", "1");
  next();
});
const users = express.Router();
users.get("/:id", (req, res) => res.json({ id: req.params.id, name: "bench user" }));
app.use("/users", users);
app.get("/hello", (req, res) => res.json({ hello: "world" }));

const server = app.listen(0, "127.0.0.1", () => report.reportReady(server));
