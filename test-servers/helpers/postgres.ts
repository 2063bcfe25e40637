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
import { inThrowawayDir, runToEnd, startServerProcess, withFreshPorts } from "./server-process.js";
import { serviceUser } from "./service-user.js";

const USER = "axonpush";

export async function startPostgres(): Promise<RunningServer> {
  const initdb = findBinary("initdb", "postgresql");
  const postgres = findBinary("postgres", "postgresql");
  const user = serviceUser("postgres", "postgresql");
  const password = secretFor("postgres");
  return inThrowawayDir("postgres", user, async (dir) => {
    const passwordFile = path.join(dir, "password");
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o644 });
    const cluster = path.join(dir, "cluster");
    await runToEnd("initdb", initdb, ["-D", cluster, "-U", USER, `--pwfile=${passwordFile}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"], { user });
    return withFreshPorts(3, async () => {
      const port = await freePort();
      const server = await startServerProcess({
        name: "postgres",
        command: postgres,
        args: ["-D", cluster, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        user,
        readyWhen: /database system is ready to accept connections/,
      });
      // initdb made only the default databases: the tests use `postgres`.
      return { host: "127.0.0.1", port, user: USER, password, database: "postgres", url: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
    });
  });
}
