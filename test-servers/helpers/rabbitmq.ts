/**
 * RabbitMQ (Debian's rabbitmq-server package) on 127.0.0.1. Erlang nodes
 * find each other through epmd, which the node would otherwise start as a
 * daemon that outlives it: here a private epmd runs in the foreground on a
 * port of its own and is stopped with the node. Nothing is read from
 * /etc/rabbitmq; the node's database, logs and Erlang cookie live in a
 * throwaway directory, and its only user has a password.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { findBinary } from "./binaries.js";
import { freePort } from "./free-port.js";
import { secretFor, type RunningServer } from "./running-server.js";
import { inThrowawayDir, startServerProcess, withFreshPorts } from "./server-process.js";
import { serviceUser } from "./service-user.js";

const USER = "axonpush";

/** The server script itself: /usr/sbin/rabbitmq-server would `su` to its user and write to /var/log. */
const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";

export async function startRabbitMq(): Promise<RunningServer> {
  findBinary("rabbitmq-server", "rabbitmq-server");
  const epmdBinary = findBinary("epmd", "rabbitmq-server");
  const user = serviceUser("rabbitmq", "rabbitmq-server");
  const password = secretFor("rabbitmq");
  return inThrowawayDir("rabbitmq", user, (dir) =>
    withFreshPorts(3, async () => {
      const [amqpPort, epmdPort, distPort] = [await freePort(), await freePort(), await freePort()];
      const epmd = await startServerProcess({
        name: "epmd",
        command: epmdBinary,
        args: ["-port", String(epmdPort), "-address", "127.0.0.1", "-d"],
        user,
        readyWhen: /epmd running/,
      });
      const configBase = path.join(dir, "rabbitmq");
      writeFileSync(
        `${configBase}.conf`,
        [`listeners.tcp.1 = 127.0.0.1:${amqpPort}`, `default_user = ${USER}`, `default_pass = ${password}`, "loopback_users = none"].join("\n") + "\n",
        { mode: 0o644 },
      );
      writeFileSync(path.join(dir, "enabled_plugins"), "[].\n", { mode: 0o644 });
      try {
        const node = await startServerProcess({
          name: "rabbitmq-server",
          command: RABBITMQ_SERVER,
          args: [],
          cwd: dir,
          env: {
            HOME: dir,
            ERL_EPMD_PORT: String(epmdPort),
            RABBITMQ_CONF_ENV_FILE: path.join(dir, "rabbitmq-env.conf"),
            RABBITMQ_NODENAME: `axonpush-${process.pid}@localhost`,
            RABBITMQ_DIST_PORT: String(distPort),
            RABBITMQ_CONFIG_FILE: configBase,
            RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, "advanced.config"),
            RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, "enabled_plugins"),
            RABBITMQ_MNESIA_BASE: path.join(dir, "mnesia"),
            RABBITMQ_LOG_BASE: path.join(dir, "log"),
            RABBITMQ_LOGS: "-",
          },
          user,
          readyWhen: /Server startup complete/,
          readyTimeoutMs: 90_000,
        });
        return {
          host: "127.0.0.1",
          port: amqpPort,
          user: USER,
          password,
          url: `amqp://${USER}:${password}@127.0.0.1:${amqpPort}`,
          async stop() {
            await node.stop(20_000);
            await epmd.stop();
          },
        } satisfies RunningServer;
      } catch (error) {
        await epmd.stop();
        throw error;
      }
    }),
  );
}
