// `npm run demo`: the whole product on one machine, no account needed.
// 1. starts `axonpush-otel dev` (the local receiver, imitating the current AxonPush API, go, and printing spans),
// 2. runs `axonpush-otel check` against it, as a new user would first,
// 3. runs the Express fixture under `node --import axonpush-otel/register`, pointed at it with the key alone,
// 4. sends it a few requests (one logs with pino inside the request, one comes from a Kubernetes probe,
//    which is left out of the traces), lets the spans and log records arrive and be printed (each record
//    inside its trace, under the span it was written in), then stops everything.
// Everything listens on 127.0.0.1 and the script ends by itself.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const say = (text) => process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);

function waitForLine(stream, pattern, what, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${what}: no ${pattern} after ${timeoutMs} ms`)), timeoutMs);
    stream.on("data", function onData(chunk) {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        stream.off("data", onData);
        resolve(match);
      }
    });
  });
}

/** Children to stop should the demo fail half-way, so it never leaves a receiver or an app behind. */
const children = new Set();
function started(child) {
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

async function main() {
  say("npx axonpush-otel dev  (local receiver imitating the current AxonPush API)");
  const cli = join(root, "dist", "cli.js");
  const receiver = started(spawn(process.execPath, [cli, "dev", "--api", "go"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] }));
  receiver.stdout.setEncoding("utf8").pipe(process.stdout);
  // The receiver is as strict as the API: any refusal it prints means AxonPush would have lost spans.
  let refusals = 0;
  receiver.stderr.setEncoding("utf8").on("data", (chunk) => {
    refusals += chunk.split("\n").filter((line) => line.startsWith("rejected ")).length;
    process.stderr.write(chunk);
  });
  const [, receiverUrl] = await waitForLine(receiver.stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)/, "receiver");

  // The key alone is enough on the current API: no tenant, no channel (the organisation's default one).
  const env = {
    ...process.env,
    AXONPUSH_BASE_URL: receiverUrl,
    AXONPUSH_API_KEY: "dev",
    AXONPUSH_ENVIRONMENT: "demo",
    // Local resource detectors only: no cloud metadata lookups.
    OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process,serviceinstance,container",
  };
  for (const name of ["AXONPUSH_TENANT_ID", "AXONPUSH_CHANNEL_ID", "AXONPUSH_TRANSPORT"]) delete env[name];

  say("npx axonpush-otel check  (the first command after npm install)");
  const check = started(spawn(process.execPath, [cli, "check"], { cwd: root, stdio: ["ignore", "inherit", "inherit"], env }));
  const [checkCode] = await once(check, "exit");
  if (checkCode !== 0) throw new Error(`axonpush-otel check exited with ${checkCode}`);

  say("node --import axonpush-otel/register fixtures/express-esm/app.mjs");
  const app = started(
    spawn(process.execPath, ["--import", "axonpush-otel/register", join(root, "fixtures", "express-esm", "app.mjs")], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...env, AXONPUSH_DEBUG: "true", OTEL_BSP_SCHEDULE_DELAY: "200" },
    }),
  );
  app.stdout.setEncoding("utf8");
  const [, port] = await waitForLine(app.stdout, /READY (\d+)/, "app");

  // /log writes a pino line inside the request: it arrives as an app.log event, printed in its trace.
  for (const path of ["/chain", "/log", "/fail"]) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    say(`GET ${path} -> ${response.status} ${await response.text()}`);
  }
  // A health checker's request is answered, and not traced (AXONPUSH_DEBUG says so on stderr).
  const probe = await fetch(`http://127.0.0.1:${port}/data`, { headers: { "user-agent": "kube-probe/1.31" } });
  say(`GET /data as kube-probe/1.31 -> ${probe.status} ${await probe.text()} (a health checker: not traced)`);

  // Let the batch processor export and the receiver print.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  say("stopping");
  app.kill("SIGTERM");
  await once(app, "exit");
  receiver.kill("SIGINT");
  await once(receiver, "exit");
  if (refusals > 0) throw new Error(`the receiver refused ${refusals} request(s) (printed above)`);
  say("done: each span above is one app.span event, each log line (·) one app.log event, as the current AxonPush API (go) would receive them");
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error.stack ?? error}\n`);
  for (const child of children) child.kill("SIGKILL");
  process.exit(1);
});
