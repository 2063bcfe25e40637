// Redis (Debian's redis-server) through ioredis 5 and 6, node-redis 4, 5
// and 6, and node-redis 3 (redis 2/3's instrumentation): GET /ok sets and
// reads a key, GET /fail increments a string. See helpers/client-cases.ts.
import { AT_THE_SERVER, describeClients, type ClientCase, type ExpectedSpan } from "./helpers/client-cases.js";
import { startRedis } from "./helpers/redis.js";
import { useServer } from "./helpers/use-server.js";

const server = useServer(startRedis);

interface RedisClient {
  client: string;
  fixture: string;
  major?: ClientCase["major"];
  /** The span's name for a command: ioredis names it after the command, node-redis `redis-<command>`. */
  spanName: (command: string) => string;
  /** node-redis 4 and later write commands in upper case. */
  upperCase: boolean;
}

function redisCase({ client, fixture, major, spanName, upperCase }: RedisClient): ClientCase {
  const written = (command: string) => (upperCase ? command.toUpperCase() : command);
  const span = (command: string, moreArguments: string, status: ExpectedSpan["status"] = "UNSET"): ExpectedSpan => ({
    name: spanName(written(command)),
    kind: "CLIENT",
    status,
    attributes: {
      "db.system.name": "redis",
      "db.operation.name": written(command),
      "db.query.text": new RegExp(`^${written(command)} greeting_\\d+${moreArguments}$`),
      ...AT_THE_SERVER,
    },
  });
  return {
    client,
    fixture,
    major,
    answers: { "/ok": '200 "hello"', "/fail": /^500 \w+: ERR value is not an integer or out of range$/ },
    spans: {
      "/ok": [span("set", " \\[1 other arguments\\]"), span("get", "")],
      "/fail": [span("incr", "", "ERROR")],
    },
  };
}

const ioredis = (version: number, major?: ClientCase["major"]) =>
  redisCase({ client: `ioredis ${version}`, fixture: "fixtures/servers/ioredis", major, spanName: (command) => command, upperCase: false });
const nodeRedis = (version: number, major?: ClientCase["major"]) =>
  redisCase({ client: `node-redis ${version}`, fixture: "fixtures/servers/redis", major, spanName: (command) => `redis-${command}`, upperCase: true });

describeClients(
  [
    ioredis(6),
    ioredis(5, ["ioredis5", "ioredis"]),
    nodeRedis(6, ["redis6", "redis"]),
    nodeRedis(5),
    nodeRedis(4, ["redis4", "redis"]),
    // Its callback API has a fixture of its own.
    redisCase({ client: "node-redis 3", fixture: "fixtures/servers/redis3", major: ["redis3", "redis"], spanName: (command) => `redis-${command}`, upperCase: false }),
  ],
  server,
);
