// The exporter must never keep a host process alive: not its pooled keep-alive
// sockets once idle, not its retry timers. A child process that stops doing
// anything must exit by itself, while our server keeps the connection open.
import { spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("./transport-natural-exit.fixture.ts", import.meta.url));
// Far below the server's keep-alive timeout (60 s) and the agent's idle-socket timeout (15 s):
// exiting within this means nothing of ours held the event loop.
const EXIT_LIMIT_MS = 10_000;

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function serve(status: number, headers: Record<string, string> = {}) {
  let requests = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests += 1;
      res.writeHead(status, { "content-type": "application/json", ...headers }).end('{"id":"e"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests };
}

function runFixture(url: string, scenario: string) {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, url, scenario], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const started = Date.now();
  const exited = new Promise<{ code: number | null; elapsedMs: number }>((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), EXIT_LIMIT_MS);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, elapsedMs: Date.now() - started });
    });
  });
  return { exited, output: () => output };
}

describe("a process using the exporter exits naturally", () => {
  it("after delivering, with keep-alive sockets still open", async () => {
    const backend = await serve(201);
    const run = runFixture(backend.url, "flush");
    const { code } = await run.exited;
    expect(run.output()).toContain("flushed");
    expect(code, run.output()).toBe(0);
    expect(backend.requests()).toBe(3);
  });

  it("while retries wait on a long Retry-After", async () => {
    const backend = await serve(503, { "retry-after": "120" });
    const run = runFixture(backend.url, "pending");
    const { code } = await run.exited;
    expect(run.output()).toContain("left pending");
    expect(code, run.output()).toBe(0);
    expect(backend.requests()).toBeGreaterThanOrEqual(1);
  });
});
