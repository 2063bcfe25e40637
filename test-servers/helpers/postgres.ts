/**
 * PostgreSQL (Debian's postgresql package) on 127.0.0.1: a new cluster made
 * by initdb in a throwaway directory, a password-protected user for TCP
 * connections, no fsync (nothing here must survive a crash).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { findBinary } from "./binaries.js";
import { freePort } from "./free-port.js";
import { secretFor, type RunningServer } from "./running-server.js";
import { runToEnd, startServerProcess, throwawayDir, withFreshPorts } from "./server-process.js";
import { serviceUser } from "./service-user.js";

const USER = "axonpush";

export async function startPostgres(): Promise<RunningServer> {
  const initdb = findBinary("initdb", "postgresql");
  const postgres = findBinary("postgres", "postgresql");
  const user = serviceUser("postgres", "postgresql");
  const password = secretFor("postgres");
  const data = throwawayDir("postgres", user);
  try {
    const passwordFile = path.join(data.dir, "password");
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o644 });
    const cluster = path.join(data.dir, "cluster");
    await runToEnd("initdb", initdb, ["-D", cluster, "-U", USER, `--pwfile=${passwordFile}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"], { user });
    return await withFreshPorts(3, async () => {
      const port = await freePort();
      const server = await startServerProcess({
        name: "postgres",
        command: postgres,
        args: ["-D", cluster, "-p", String(port), "-k", data.dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        user,
        readyWhen: /database system is ready to accept connections/,
      });
      return {
        host: "127.0.0.1",
        port,
        user: USER,
        password,
        // initdb made only the default databases; the user's own comes from `postgres`.
        database: "postgres",
        url: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
        async stop() {
          await server.stop();
          data.remove();
        },
      } satisfies RunningServer;
    });
  } catch (error) {
    data.remove();
    throw error;
  }
}
