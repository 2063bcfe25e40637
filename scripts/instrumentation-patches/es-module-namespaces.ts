/**
 * One kind of upstream bug, in several instrumentations. An app's `import`
 * of a CommonJS package reaches the instrumentation as a module namespace,
 * not as the package's `module.exports`: the namespace has no `prototype`,
 * cannot be called, and its named exports are bindings of their own, so a
 * function wrapped there is not the one `import pkg from "pkg"; pkg.fn()`
 * calls. Each patch here makes one instrumentation patch the namespace's
 * default export (the package's own exports) as well, or instead.
 */
import { dnsPatch } from "./dns.js";
import { genericPoolPatch } from "./generic-pool.js";
import { grpcPatch } from "./grpc.js";
import { lruMemoizerPatch } from "./lru-memoizer.js";
import { memcachedPatch } from "./memcached.js";
import { mysqlPatch } from "./mysql.js";
import { redisPatch } from "./redis.js";
import { socketIoPatch } from "./socket-io.js";
import type { InstrumentationPatch } from "./types.js";

export const ES_MODULE_NAMESPACE_PATCHES: readonly InstrumentationPatch[] = [
  memcachedPatch,
  mysqlPatch,
  lruMemoizerPatch,
  socketIoPatch,
  redisPatch,
  grpcPatch,
  genericPoolPatch,
  dnsPatch,
];
