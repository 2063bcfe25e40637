/**
 * MariaDB (Debian's mariadb-server package) on 127.0.0.1: a new data
 * directory made by mariadb-install-db, and a user with a password and its
 * own database, created at start by an init file.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { findBinary } from "./binaries.js";
import { freePort } from "./free-port.js";
import { secretFor, type RunningServer } from "./running-server.js";
import { inThrowawayDir, runToEnd, startServerProcess, withFreshPorts } from "./server-process.js";
import { serviceUser } from "./service-user.js";

const USER = "axonpush";
const DATABASE = "axonpush";

export async function startMariaDb(): Promise<RunningServer> {
  const installDb = findBinary("mariadb-install-db", "mariadb-server");
  const mariadbd = findBinary("mariadbd", "mariadb-server");
  const user = serviceUser("mysql", "mariadb-server");
  const password = secretFor("mariadb");
  return inThrowawayDir("mariadb", user, async (dir) => {
    const datadir = path.join(dir, "data");
    await runToEnd("mariadb-install-db", installDb, ["--no-defaults", `--datadir=${datadir}`, "--skip-test-db", "--auth-root-authentication-method=socket"], { user });
    const initFile = path.join(dir, "init.sql");
    const statements = [
      `CREATE DATABASE IF NOT EXISTS ${DATABASE};`,
      `CREATE USER IF NOT EXISTS '${USER}'@'127.0.0.1' IDENTIFIED BY '${password}';`,
      `GRANT ALL ON ${DATABASE}.* TO '${USER}'@'127.0.0.1';`,
    ];
    writeFileSync(initFile, statements.join("\n"), { mode: 0o644 });
    return withFreshPorts(3, async () => {
      const port = await freePort();
      const server = await startServerProcess({
        name: "mariadbd",
        command: mariadbd,
        args: [
          "--no-defaults",
          `--datadir=${datadir}`,
          `--port=${port}`,
          "--bind-address=127.0.0.1",
          `--socket=${path.join(dir, "mariadb.sock")}`,
          `--pid-file=${path.join(dir, "mariadb.pid")}`,
          `--init-file=${initFile}`,
          "--skip-name-resolve",
          "--skip-log-bin",
          "--innodb-buffer-pool-size=32M",
          "--innodb-flush-log-at-trx-commit=0",
        ],
        user,
        readyWhen: /ready for connections/,
      });
      const url = `mysql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;
      return { host: "127.0.0.1", port, user: USER, password, database: DATABASE, url, stop: () => server.stop() };
    });
  });
}
