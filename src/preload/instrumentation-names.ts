/**
 * The instrumentations the preload knows, by the short name
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS use:
 * those `@opentelemetry/auto-instrumentations-node` 0.81 ships
 * (`@opentelemetry/instrumentation-<name>`), and the few we add beside them.
 * The package does not export its list; a unit test compares this one with
 * the installed package's dependencies, so an upgrade cannot leave it stale.
 */
export const AUTO_INSTRUMENTATIONS = Object.freeze([
  "amqplib", "aws-lambda", "aws-sdk", "bunyan", "cassandra-driver", "connect", "cucumber", "dataloader",
  "dns", "express", "fs", "generic-pool", "graphql", "grpc", "hapi", "host-metrics", "http", "ioredis",
  "kafkajs", "knex", "koa", "lru-memoizer", "memcached", "mongodb", "mongoose", "mysql", "mysql2",
  "nestjs-core", "net", "openai", "oracledb", "pg", "pino", "redis", "restify", "router", "runtime-node",
  "socket.io", "tedious", "undici", "winston",
] as const);

/**
 * Ours beside them, on by default: `fastify` is the Fastify team's
 * `@fastify/otel` (auto-instrumentations-node dropped its own Fastify
 * instrumentation).
 */
export const EXTRA_INSTRUMENTATIONS = Object.freeze(["fastify"] as const);

export const KNOWN_INSTRUMENTATIONS: readonly string[] = Object.freeze([...AUTO_INSTRUMENTATIONS, ...EXTRA_INSTRUMENTATIONS].sort());

/** Off unless named in OTEL_NODE_ENABLED_INSTRUMENTATIONS, as the package itself decides. */
export const OFF_BY_DEFAULT: readonly string[] = Object.freeze(["fs", "host-metrics"]);

/** Log libraries whose instrumentations can also send log records (we only inject trace ids). */
export const LOG_LIBRARIES: readonly string[] = Object.freeze(["bunyan", "pino", "winston"]);
