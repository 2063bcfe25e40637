// `npm run demo`: the whole product on one machine, no account needed.
// 1. starts `axonpush-otel dev` (the local AxonPush-compatible receiver that prints spans),
// 2. runs the Express fixture under `node --import axonpush-otel/register`, pointed at it,
// 3. sends it a few requests, lets the spans arrive and be printed, then stops everything.
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

async function main() {
  say("npx axonpush-otel dev  (local receiver)");
  const receiver = spawn(process.execPath, [join(root, "dist", "cli.js"), "dev"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  receiver.stdout.setEncoding("utf8").pipe(process.stdout);
  const [, receiverUrl] = await waitForLine(receiver.stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)/, "receiver");

  say("node --import axonpush-otel/register fixtures/express-esm/app.mjs");
  const app = spawn(process.execPath, ["--import", "axonpush-otel/register", join(root, "fixtures", "express-esm", "app.mjs")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      AXONPUSH_BASE_URL: receiverUrl,
      AXONPUSH_API_KEY: "dev",
      AXONPUSH_TENANT_ID: "dev",
      AXONPUSH_CHANNEL_ID: "demo",
      AXONPUSH_ENVIRONMENT: "demo",
      AXONPUSH_DEBUG: "true",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      // Local resource detectors only: no cloud metadata lookups.
      OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process,serviceinstance,container",
    },
  });
  app.stdout.setEncoding("utf8");
  const [, port] = await waitForLine(app.stdout, /READY (\d+)/, "app");

  for (const path of ["/chain", "/fail"]) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    say(`GET ${path} -> ${response.status} ${await response.text()}`);
  }

  // Let the batch processor export and the receiver print.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  say("stopping");
  app.kill("SIGTERM");
  await once(app, "exit");
  receiver.kill("SIGINT");
  await once(receiver, "exit");
  say("done: each span above is one app.span event, as AxonPush would receive it");
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
