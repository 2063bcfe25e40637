// `start()` from code (the library entry), then an http server it traces.
const { start } = require("axonpush-otel");

start({ serviceName: "library-start" });
const http = require("node:http");
const server = http.createServer((req, res) => res.end("started"));
server.listen(0, "127.0.0.1", () => console.log(`READY ${server.address().port}`));
