// memcached (Debian's memcached) through the memcached client: GET /ok
// stores and reads a key, GET /fail increments a value that is not a number.
// Its ES module entry crashed at start-up before our patch
// (scripts/instrumentation-patches/memcached.ts). See helpers/client-cases.ts.
import { AT_THE_SERVER, describeClients, type ExpectedSpan } from "./helpers/client-cases.js";
import { startMemcached } from "./helpers/memcached.js";
import { useServer } from "./helpers/use-server.js";

const server = useServer(startMemcached);

const command = (operation: string, status: ExpectedSpan["status"] = "UNSET"): ExpectedSpan => ({
  name: `memcached ${operation}`,
  kind: "CLIENT",
  status,
  attributes: { "db.system.name": "memcached", "db.operation.name": operation, "db.memcached.key": /^greeting_\d+$/, ...AT_THE_SERVER },
});

describeClients(
  [
    {
      client: "memcached",
      fixture: "fixtures/servers/memcached",
      answers: { "/ok": '200 "hello"', "/fail": "500 Error: cannot increment or decrement non-numeric value" },
      spans: { "/ok": [command("set"), command("get")], "/fail": [command("incr", "ERROR")] },
    },
  ],
  server,
);
