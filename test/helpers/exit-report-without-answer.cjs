// Stands in for the sender's entry: at the exit drain it says a loss line at once but never answers
// (a thread that spoke its report and was then too slow to store its answer before the app stopped waiting).
const { workerData } = require("node:worker_threads");
const { port } = workerData;
port.on("message", (message) => {
  // A flush is answered at once: the test's way to know the stand-in is up.
  if (message.type === "flush") port.postMessage({ type: "done", id: message.id });
  if (message.type === "exit") port.postMessage({ type: "notice", level: "warn", line: "3 spans not delivered before exit: 3 unsent or unanswered when the exit budget ran out (AXONPUSH_SHUTDOWN_TIMEOUT_MS)" });
});
