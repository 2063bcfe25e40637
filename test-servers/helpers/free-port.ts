/**
 * A port on 127.0.0.1 that was free a moment ago, for servers that cannot be
 * told to pick one themselves (none of these can: port 0 means "no TCP" to
 * redis and memcached). The OS picks it; a server that then fails to bind it
 * is started again on another (server-process.ts).
 */
import net from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
