/** redis-server (Debian's redis-server package) on 127.0.0.1, with a password, nothing persisted. */
import { findBinary } from "./binaries.js";
import { freePort } from "./free-port.js";
import { secretFor, type RunningServer } from "./running-server.js";
import { inThrowawayDir, startServerProcess, withFreshPorts } from "./server-process.js";
import { serviceUser } from "./service-user.js";

export async function startRedis(): Promise<RunningServer> {
  const binary = findBinary("redis-server", "redis-server");
  const user = serviceUser("redis", "redis-server");
  const password = secretFor("redis");
  return inThrowawayDir("redis", user, (dir) =>
    withFreshPorts(3, async () => {
      const port = await freePort();
      const server = await startServerProcess({
        name: "redis-server",
        command: binary,
        // Arguments instead of a config file; no RDB or AOF files, no background saves.
        args: ["--port", String(port), "--bind", "127.0.0.1", "--requirepass", password, "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"],
        user,
        readyWhen: /Ready to accept connections/,
      });
      return { host: "127.0.0.1", port, password, url: `redis://:${password}@127.0.0.1:${port}`, stop: () => server.stop() };
    }),
  );
}
