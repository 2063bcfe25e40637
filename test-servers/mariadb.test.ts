// MariaDB (Debian's mariadb-server) through mysql2 (its promise API) and
// mysql: GET /ok runs a query with a parameter (mysql2 also a prepared
// statement at /prepared), GET /fail selects from a missing table. The ES
// module entry of mysql uses the default import, traced since our patch
// (scripts/instrumentation-patches/mysql.ts). See helpers/client-cases.ts.
import { AT_THE_SERVER, describeClients, type ClientCase, type ExpectedSpan } from "./helpers/client-cases.js";
import { startMariaDb } from "./helpers/mariadb.js";
import { useServer } from "./helpers/use-server.js";

const server = useServer(startMariaDb);

const OK_SQL = "SELECT ? AS word, 1 + 1 AS two";
const MISSING_TABLE = "Table 'axonpush.no_such_table' doesn't exist";

const select = (text: string, status: ExpectedSpan["status"] = "UNSET"): ExpectedSpan => ({
  name: "SELECT",
  kind: "CLIENT",
  status,
  attributes: { "db.system.name": "mysql", "db.namespace": "axonpush", "db.query.text": text, ...AT_THE_SERVER },
});

const MYSQL2: ClientCase = {
  client: "mysql2",
  fixture: "fixtures/servers/mysql2",
  answers: {
    "/ok": '200 [{"word":"hello","two":2}]',
    "/prepared": '200 [{"word":"prepared","two":2}]',
    "/fail": `500 Error: ${MISSING_TABLE}`,
  },
  spans: {
    "/ok": [select(OK_SQL)],
    "/prepared": [select(OK_SQL)],
    "/fail": [select("SELECT * FROM no_such_table", "ERROR")],
  },
};

const MYSQL: ClientCase = {
  client: "mysql",
  fixture: "fixtures/servers/mysql",
  answers: { "/ok": '200 [{"word":"hello","two":2}]', "/fail": `500 Error: ER_NO_SUCH_TABLE: ${MISSING_TABLE}` },
  spans: {
    "/ok": [select(OK_SQL)],
    "/fail": [select("SELECT * FROM no_such_table", "ERROR")],
  },
};

describeClients([MYSQL2, MYSQL], server);
