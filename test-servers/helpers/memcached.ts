/** memcached (Debian's memcached package) on 127.0.0.1, TCP only, 16 MiB. */
import { findBinary } from "./binaries.js";
import { freePort } from "./free-port.js";
import type { RunningServer } from "./running-server.js";
import { startServerProcess, withFreshPorts } from "./server-process.js";
import { serviceUser } from "./service-user.js";

export async function startMemcached(): Promise<RunningServer> {
  const binary = findBinary("memcached", "memcached");
  const user = serviceUser("memcache", "memcached");
  return withFreshPorts(3, async () => {
    const port = await freePort();
    const server = await startServerProcess({
      name: "memcached",
      command: binary,
      // -vv is what makes it say when it listens.
      args: ["-l", "127.0.0.1", "-p", String(port), "-U", "0", "-m", "16", "-vv"],
      user,
      readyWhen: /server listening/,
    });
    return { host: "127.0.0.1", port, url: `127.0.0.1:${port}`, stop: () => server.stop() };
  });
}
