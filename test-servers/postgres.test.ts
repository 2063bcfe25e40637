// PostgreSQL (Debian's postgresql) through pg's Pool and through pg-pool on
// its own: GET /ok runs a query with a parameter (the pool's first
// connection is made inside it), GET /client checks a client out and runs
// one on it, GET /fail selects from a missing table. The main suite runs pg
// against PGlite; this is the real server. See helpers/client-cases.ts.
import { AT_THE_SERVER, describeClients, type ClientCase, type ExpectedSpan } from "./helpers/client-cases.js";
import { startPostgres } from "./helpers/postgres.js";
import { useServer } from "./helpers/use-server.js";

const server = useServer(startPostgres);

const OK_SQL = "SELECT $1::text AS word, 1 + 1 AS two";
const POSTGRES = { "db.system.name": "postgresql", "db.namespace": "postgres", ...AT_THE_SERVER };

const query = (text: string, status: ExpectedSpan["status"] = "UNSET"): ExpectedSpan => ({
  name: "pg.query:SELECT postgres",
  kind: "CLIENT",
  status,
  attributes: { ...POSTGRES, "db.query.text": text },
});
const POOL_CONNECT: ExpectedSpan = { name: "pg-pool.connect", kind: "CLIENT", status: "UNSET", attributes: POSTGRES };
const NEW_CONNECTION: ExpectedSpan = { name: "pg.connect", kind: "CLIENT", status: "UNSET", attributes: POSTGRES, parent: "pg-pool.connect" };

const pool = (client: string, fixture: string): ClientCase => ({
  client,
  fixture,
  answers: {
    "/ok": '200 [{"word":"hello","two":2}]',
    "/client": '200 [{"word":"checked out","two":2}]',
    "/fail": '500 DatabaseError: relation "no_such_table" does not exist',
  },
  spans: {
    "/ok": [POOL_CONNECT, NEW_CONNECTION, query(OK_SQL)],
    "/client": [POOL_CONNECT, query(OK_SQL)],
    "/fail": [query("SELECT * FROM no_such_table", "ERROR")],
  },
});

describeClients([pool("pg (pg.Pool)", "fixtures/servers/pg"), pool("pg-pool (with pg's Client)", "fixtures/servers/pg-pool")], server);
