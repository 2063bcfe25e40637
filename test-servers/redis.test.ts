// Redis (Debian's redis-server) through ioredis 5 and 6, node-redis 4, 5
// and 6, and node-redis 3 (redis 2/3's instrumentation): GET /ok sets and
// reads a key, GET /fail increments a string. See helpers/client-cases.ts.
import { AT_THE_SERVER, describeClients, type ClientCase, type ExpectedSpan } from "./helpers/client-cases.js";
import { startRedis } from "./helpers/redis.js";
import { useServer } from "./helpers/use-server.js";

const server = useServer(startRedis);
const INCR_ERROR = "ERR value is not an integer or out of range";

/** ioredis names its spans after the command, in lower case. */
const ioredisSpan = (command: string, text: RegExp, status: ExpectedSpan["status"] = "UNSET"): ExpectedSpan => ({
  name: command,
  kind: "CLIENT",
  status,
  attributes: { "db.system.name": "redis", "db.operation.name": command, "db.query.text": text, ...AT_THE_SERVER },
});
const ioredis = (version: number, major?: ClientCase["major"]): ClientCase => ({
  client: `ioredis ${version}`,
  fixture: "fixtures/servers/ioredis",
  major,
  answers: { "/ok": '200 "hello"', "/fail": new RegExp(`^500 \\w+: ${INCR_ERROR}$`) },
  spans: {
    "/ok": [ioredisSpan("set", /^set greeting_\d+ \[1 other arguments\]$/), ioredisSpan("get", /^get greeting_\d+$/)],
    "/fail": [ioredisSpan("incr", /^incr greeting_\d+$/, "ERROR")],
  },
});

/** node-redis: `redis-<command>` (upper case from 4 on). */
const nodeRedisSpan = (command: string, text: RegExp, status: ExpectedSpan["status"] = "UNSET"): ExpectedSpan => ({
  name: `redis-${command}`,
  kind: "CLIENT",
  status,
  attributes: { "db.system.name": "redis", "db.operation.name": command, "db.query.text": text, ...AT_THE_SERVER },
});
const nodeRedis = (version: number, major?: ClientCase["major"]): ClientCase => ({
  client: `node-redis ${version}`,
  fixture: "fixtures/servers/redis",
  major,
  answers: { "/ok": '200 "hello"', "/fail": new RegExp(`^500 \\w+: ${INCR_ERROR}$`) },
  spans: {
    "/ok": [nodeRedisSpan("SET", /^SET greeting_\d+ \[1 other arguments\]$/), nodeRedisSpan("GET", /^GET greeting_\d+$/)],
    "/fail": [nodeRedisSpan("INCR", /^INCR greeting_\d+$/, "ERROR")],
  },
});

/** node-redis 3 (redis 2/3's instrumentation): `redis-<command>`, in lower case, from one fixture of its own (callback API). */
const NODE_REDIS_3: ClientCase = {
  client: "node-redis 3",
  fixture: "fixtures/servers/redis3",
  major: ["redis3", "redis"],
  answers: { "/ok": '200 "hello"', "/fail": `500 ReplyError: ${INCR_ERROR}` },
  spans: {
    "/ok": [nodeRedisSpan("set", /^set greeting_\d+ \[1 other arguments\]$/), nodeRedisSpan("get", /^get greeting_\d+$/)],
    "/fail": [nodeRedisSpan("incr", /^incr greeting_\d+$/, "ERROR")],
  },
};

describeClients(
  [
    ioredis(6),
    ioredis(5, ["ioredis5", "ioredis"]),
    nodeRedis(6, ["redis6", "redis"]),
    nodeRedis(5),
    nodeRedis(4, ["redis4", "redis"]),
    NODE_REDIS_3,
  ],
  server,
);
