// Http1Transport through a proxy: a CONNECT tunnel per pooled connection (http1/tunnel.ts), requests then
// going through it as on a direct connection. Everything here is local: backends and proxies listen on
// 127.0.0.1, port 0; proxies are raw `net` / `tls` servers written here, so that each can misbehave exactly
// as a case needs. HTTPS cases that need a trusted self-signed certificate run in a child process
// (NODE_EXTRA_CA_CERTS), as http1-transport.test.ts does.
import { once } from "node:events";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import tls, { type TLSSocket } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Http1Transport } from "../src/transport/http1-transport.js";
import type { ProxyOptions } from "../src/transport/http1/proxy-route.js";
import type { OutgoingRequest, SendResult } from "../src/transport/types.js";
import { answer, closeAtCleanup, keyOf, listen, startRawServer, type RawRequest } from "./helpers/raw-http-server.js";
import { makeTestCertificates, runTsxChild, type TestCertificates } from "./helpers/tls-test-kit.js";

const TRANSPORT_MODULE = new URL("../src/transport/http1-transport.ts", import.meta.url).href;

/** Run after each test, last registered first: transports, servers, child processes. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function requestNo(n: number, body: string | Uint8Array = JSON.stringify({ n })): OutgoingRequest {
  return { path: "/event", contentType: "application/json", body, idempotencyKey: `idem-${n}`, spanCount: 1 };
}

function transportFor(baseUrl: string, proxy: ProxyOptions | undefined, options: { connections?: number; timeoutMs?: number } = {}) {
  const transport = new Http1Transport({
    baseUrl,
    headersFor: (contentType) => ({ "Content-Type": contentType, Authorization: "Bearer ak_test" }),
    timeoutMs: options.timeoutMs ?? 5_000,
    connections: options.connections ?? 4,
    ...(proxy ? { proxy } : {}),
  });
  cleanups.push(() => transport.close());
  return transport;
}

/** Resolves once `condition` holds; rejects with `what` if it does not within `limitMs` (a hang guard, not a timing check). */
async function waitFor(what: string, condition: () => boolean, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on: one the OS just gave us, closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const messageOf = (result: SendResult) => (result.kind === "success" ? "" : result.message);

// ---- The backend: a raw server that parses requests itself, and answers 201 to each. ----

function startBackend(handler: (socket: net.Socket, request: RawRequest) => void = (socket) => socket.write(answer())) {
  return startRawServer(handler, cleanups);
}

// ---- Proxies: read the CONNECT head, record it, then behave as the test says. ----

interface ConnectSeen {
  /** The head as received, Latin-1. */
  readonly head: string;
  /** The request target: `host:port`. */
  readonly target: string;
  /** Which connection to the proxy (1, 2, …). */
  readonly connection: number;
  /** SNI the client sent, for a TLS proxy. */
  readonly servername?: string | false | null;
}

type ProxyBehaviour = (client: net.Socket, connect: ConnectSeen, rest: Buffer, track: (socket: net.Socket) => void) => void;

/** The proxy's job done right: connect to the target, answer 200, then pipe both ways; 502 when the target cannot be reached. */
const tunnelThrough: ProxyBehaviour = (client, connect, rest, track) => {
  const colon = connect.target.lastIndexOf(":");
  const host = connect.target.slice(0, colon).replace(/^\[|\]$/g, "");
  const upstream = net.connect({ host: host === "localhost" ? "127.0.0.1" : host, port: Number(connect.target.slice(colon + 1)) });
  track(upstream);
  let open = false;
  upstream.on("connect", () => {
    open = true;
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (rest.length > 0) upstream.write(rest);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on("error", () => (open ? client.destroy() : client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")));
  client.on("error", () => upstream.destroy());
  client.on("close", () => upstream.destroy());
};

async function startProxy(behave: ProxyBehaviour = tunnelThrough, tlsOptions?: { key: string; cert: string }) {
  const connects: ConnectSeen[] = [];
  const sockets = new Set<net.Socket>();
  const stats = { connections: 0, closed: 0 };
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  const onClient = (client: net.Socket) => {
    const connection = ++stats.connections;
    track(client);
    client.on("close", () => (stats.closed += 1));
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      // The head is ours; what follows, if anything, is for the tunnel.
      client.off("data", onData);
      client.pause();
      const head = buffered.subarray(0, end + 4).toString("latin1");
      const target = /^CONNECT (\S+) HTTP\/1\.1\r\n/.exec(head)?.[1] ?? "";
      const seen: ConnectSeen = { head, target, connection, ...(tlsOptions ? { servername: (client as TLSSocket).servername } : {}) };
      connects.push(seen);
      behave(client, seen, buffered.subarray(end + 4), track);
    };
    client.on("data", onData);
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, onClient) : net.createServer(onClient);
  if (tlsOptions) server.on("tlsClientError", () => {});
  const port = await listen(server);
  closeAtCleanup(server, sockets, cleanups);
  return {
    port,
    url: `${tlsOptions ? "https" : "http"}://127.0.0.1:${port}`,
    connects,
    /** Connections accepted, and how many of them have closed since. */
    get connections() {
      return stats.connections;
    },
    get closed() {
      return stats.closed;
    },
  };
}

// ---- Child processes: the transport's source run through tsx, as http1-transport.test.ts does. ----

function runChild(script: string, env: Record<string, string>, limitMs = 10_000) {
  return runTsxChild(script, { TRANSPORT_MODULE, ...env }, limitMs, (kill) => cleanups.push(kill));
}

// Sends COUNT requests one after another through one transport (one connection), prints the results as JSON,
// and does nothing more: the transport is never closed, so the child exits by itself only if the idle pooled
// connection (and the tunnel under it) does not hold the event loop. The limit (10 s) is below the client's
// idle-socket timeout (15 s): a child held by the connection is killed, and the test sees no exit code 0.
const SEND_THROUGH_PROXY = `
  const { Http1Transport } = await import(process.env.TRANSPORT_MODULE);
  const transport = new Http1Transport({
    baseUrl: process.env.URL,
    headersFor: (contentType) => ({ "content-type": contentType }),
    timeoutMs: 5000,
    connections: 1,
    proxy: JSON.parse(process.env.PROXY),
  });
  const results = [];
  for (let n = 1; n <= Number(process.env.COUNT); n++) {
    const result = await transport.send({ path: "/event", contentType: "application/json", body: JSON.stringify({ n }), idempotencyKey: "idem-" + n, spanCount: 1 });
    results.push(result.kind === "success" ? { kind: result.kind, status: result.status, body: Buffer.from(result.body ?? []).toString() } : result);
  }
  console.log("RESULTS " + JSON.stringify(results));
`;
const resultsOf = (output: string) => JSON.parse(/^RESULTS (.*)$/m.exec(output)?.[1] ?? "null");

// ---------------------------------------------------------------------------------------------------------

/** A proxy that connects to the backend, lets `writeAnswer` answer the CONNECT its way, then pipes both ways. */
function tunnelAfter(writeAnswer: (client: net.Socket) => void | Promise<void>): ProxyBehaviour {
  return (client, connect, _rest, track) => {
    const upstream = net.connect(Number(connect.target.split(":")[1]), "127.0.0.1", async () => {
      await writeAnswer(client);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
  };
}

describe("Http1Transport through a CONNECT proxy: an http:// backend", () => {
  it("opens a tunnel to the backend and sends the request through it, in origin form with our headers", async () => {
    const backend = await startBackend();
    const proxy = await startProxy();
    const transport = transportFor(`${backend.url}/api/`, { httpProxy: proxy.url });
    expect(await transport.send(requestNo(1, "{}"))).toEqual({ kind: "success", status: 201, body: Buffer.from('{"id":"e1"}') });
    const authority = `127.0.0.1:${backend.port}`;
    expect(proxy.connects.map((c) => c.head)).toEqual([`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`]);
    // The backend got the request as a direct client would send it: origin form, the backend's Host, our headers.
    expect(backend.requests.map((r) => r.head)).toEqual([
      `POST /api/event HTTP/1.1\r\nhost: ${authority}\r\nContent-Type: application/json\r\nAuthorization: Bearer ak_test\r\nIdempotency-Key: idem-1\r\ncontent-length: 2\r\n\r\n`,
    ]);
    expect(backend.requests[0]!.body.toString()).toBe("{}");
  });

  it("carries several requests in a row over one tunnel (keep-alive through the tunnel)", async () => {
    const backend = await startBackend();
    const proxy = await startProxy();
    const transport = transportFor(backend.url, { httpProxy: proxy.url });
    for (let n = 1; n <= 5; n++) expect(await transport.send(requestNo(n))).toMatchObject({ kind: "success", status: 201 });
    expect(proxy.connections).toBe(1);
    expect(proxy.connects).toHaveLength(1);
    expect(backend.connections).toBe(1);
    expect(backend.requests.map((r) => [keyOf(r), r.connection, r.onConnection])).toEqual([1, 2, 3, 4, 5].map((n) => [`idem-${n}`, 1, n]));
  });

  it("opens one tunnel per pooled connection, never more than `connections`", async () => {
    const backend = await startBackend((socket) => setTimeout(() => socket.write(answer()), 20));
    const proxy = await startProxy();
    const transport = transportFor(backend.url, { httpProxy: proxy.url }, { connections: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => transport.send(requestNo(n))));
    expect(results.map((r) => r.kind)).toEqual(Array(6).fill("success"));
    expect(proxy.connects).toHaveLength(2);
    expect(backend.connections).toBe(2);
    expect(backend.requests.map(keyOf).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `idem-${n}`).sort());
  });

  it("re-sends over a fresh tunnel when the backend closed the kept-alive connection (the keep-alive race)", async () => {
    const backend = await startBackend((socket, request) => {
      if (request.connection === 1 && request.onConnection === 2) socket.end();
      else socket.write(answer());
    });
    const proxy = await startProxy();
    const transport = transportFor(backend.url, { httpProxy: proxy.url }, { connections: 1 });
    expect((await transport.send(requestNo(1))).kind).toBe("success");
    expect(await transport.send(requestNo(2))).toMatchObject({ kind: "success", status: 201 });
    expect(proxy.connects).toHaveLength(2);
    expect(backend.requests.map((r) => [keyOf(r), r.connection])).toEqual([
      ["idem-1", 1],
      ["idem-2", 1],
      ["idem-2", 2],
    ]);
  });

  it.each([
    ["HTTP/1.1 with a reason and headers", "HTTP/1.1 200 Connection established\r\nProxy-Agent: test\r\n\r\n"],
    ["HTTP/1.0", "HTTP/1.0 200 Connection established\r\n\r\n"],
    ["no reason phrase", "HTTP/1.1 200\r\n\r\n"],
    ["another 2xx", "HTTP/1.1 204 No Content\r\n\r\n"],
  ])("accepts a 2xx answer to CONNECT written as %s", async (_name, answerHead) => {
    const backend = await startBackend();
    const proxy = await startProxy(
      tunnelAfter((client) => {
        client.write(answerHead);
      }),
    );
    const transport = transportFor(backend.url, { httpProxy: proxy.url });
    expect(await transport.send(requestNo(1))).toMatchObject({ kind: "success", status: 201 });
    expect(backend.requests.map(keyOf)).toEqual(["idem-1"]);
  });

  it("reads a 200 answer that arrives in pieces", async () => {
    const backend = await startBackend();
    const proxy = await startProxy(
      tunnelAfter(async (client) => {
        for (const piece of ["HTTP/1.1 2", "00 Connection est", "ablished\r\n", "\r", "\n"]) {
          client.write(piece);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }),
    );
    const transport = transportFor(backend.url, { httpProxy: proxy.url });
    expect(await transport.send(requestNo(1))).toMatchObject({ kind: "success", status: 201 });
    expect(backend.requests.map(keyOf)).toEqual(["idem-1"]);
  });
});

describe("Http1Transport through a CONNECT proxy: the CONNECT request", () => {
  /** A proxy that refuses every tunnel with a 502, without connecting anywhere: only the CONNECT head matters. */
  const refuse502: ProxyBehaviour = (client) => client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");

  it.each([
    ["an http:// URL without a port: port 80", "http://127.0.0.1", "127.0.0.1:80"],
    ["an https:// URL without a port: port 443", "https://127.0.0.1", "127.0.0.1:443"],
    ["a name: left to the proxy to resolve", "http://backend.invalid:8080/api", "backend.invalid:8080"],
    ["an IPv6 address: in brackets", "http://[::1]:8080", "[::1]:8080"],
    ["an upper-case name, as the URL reads it", "https://API.AxonPush.Invalid", "api.axonpush.invalid:443"],
  ])("asks for %s", async (_name, baseUrl, authority) => {
    const proxy = await startProxy(refuse502);
    const transport = transportFor(baseUrl, { httpProxy: proxy.url, httpsProxy: proxy.url }, { timeoutMs: 2_000 });
    const result = await transport.send(requestNo(1));
    expect(result.kind).toBe("retryable");
    expect(messageOf(result)).toBe("proxy refused the tunnel: 502 (the proxy could not reach the backend)");
    expect(proxy.connects.map((c) => c.head)).toEqual([`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`]);
  });

  it("sends Proxy-Authorization (Basic, decoded from the URL) to the proxy on CONNECT, and never to the backend", async () => {
    const backend = await startBackend();
    const proxy = await startProxy();
    const proxyUrl = `http://al%40ice:s3cr%3At%20pw@127.0.0.1:${proxy.port}`;
    const transport = transportFor(backend.url, { httpProxy: proxyUrl });
    expect(await transport.send(requestNo(1))).toMatchObject({ kind: "success", status: 201 });
    expect(await transport.send(requestNo(2))).toMatchObject({ kind: "success", status: 201 });
    const credentials = Buffer.from("al@ice:s3cr:t pw").toString("base64");
    const authority = `127.0.0.1:${backend.port}`;
    expect(proxy.connects.map((c) => c.head)).toEqual([
      `CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\nproxy-authorization: Basic ${credentials}\r\n\r\n`,
    ]);
    expect(backend.requests).toHaveLength(2);
    for (const request of backend.requests) {
      expect(request.head.toLowerCase()).not.toContain("proxy-authorization");
      expect(request.head).not.toContain(credentials);
      expect(request.body.toString()).not.toContain("s3cr");
    }
  });

  it("sends no Proxy-Authorization when the proxy URL has no credentials", async () => {
    const backend = await startBackend();
    const proxy = await startProxy();
    const transport = transportFor(backend.url, { httpProxy: `http://127.0.0.1:${proxy.port}` });
    expect((await transport.send(requestNo(1))).kind).toBe("success");
    expect(proxy.connects).toHaveLength(1);
    expect(proxy.connects[0]!.head.toLowerCase()).not.toContain("proxy-authorization");
  });
});

describe("Http1Transport through a CONNECT proxy: a proxy that refuses or misbehaves", () => {
  const secretProxyUrl = (port: number) => `http://alice:s3cr3t-pw@127.0.0.1:${port}`;

  /** The message names the proxy's answer, never the proxy URL, the user, the password or the header. */
  function expectNoSecrets(result: SendResult, port: number) {
    const text = JSON.stringify(result);
    for (const secret of ["s3cr3t", "alice", `127.0.0.1:${port}`, Buffer.from("alice:s3cr3t-pw").toString("base64"), "Basic"]) {
      expect(text).not.toContain(secret);
    }
  }

  it("turns a 407 into a retryable result that says 407, without the password or the proxy URL; the tunnel socket is closed", async () => {
    const backend = await startBackend();
    const proxy = await startProxy((client) =>
      client.write('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 13\r\n\r\naccess denied'),
    );
    const transport = transportFor(backend.url, { httpProxy: secretProxyUrl(proxy.port) });
    const result = await transport.send(requestNo(1));
    expect(result).toEqual({ kind: "retryable", message: "proxy refused the tunnel: 407 (proxy authentication required)" });
    expectNoSecrets(result, proxy.port);
    // The CONNECT did carry the credentials: the proxy refused them, not their absence.
    expect(proxy.connects[0]!.head).toContain(`proxy-authorization: Basic ${Buffer.from("alice:s3cr3t-pw").toString("base64")}\r\n`);
    expect(backend.connections).toBe(0);
    // The proxy kept its side open: the client closes the refused connection itself.
    await waitFor("the refused connection to the proxy to close", () => proxy.closed === 1);
  });

  it("turns a 502 into a retryable result, and tries a new tunnel for the next request", async () => {
    const backend = await startBackend();
    const proxy = await startProxy((client, connect, rest, track) => {
      if (connect.connection === 1) client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      else tunnelThrough(client, connect, rest, track);
    });
    const transport = transportFor(backend.url, { httpProxy: secretProxyUrl(proxy.port) }, { connections: 1 });
    const refused = await transport.send(requestNo(1));
    expect(refused.kind).toBe("retryable");
    expect(messageOf(refused)).toBe("proxy refused the tunnel: 502 (the proxy could not reach the backend)");
    expectNoSecrets(refused, proxy.port);
    expect(backend.requests).toEqual([]);
    // Not sent again by the transport itself (nothing reached the backend, but a refusal is not the keep-alive race).
    expect(proxy.connects).toHaveLength(1);
    expect(await transport.send(requestNo(2))).toMatchObject({ kind: "success", status: 201 });
    expect(proxy.connects).toHaveLength(2);
    expect(backend.requests.map(keyOf)).toEqual(["idem-2"]);
  });

  it("turns a backend the proxy cannot reach (the proxy's 502) into a retryable result", async () => {
    const port = await closedPort();
    const proxy = await startProxy();
    const transport = transportFor(`http://127.0.0.1:${port}`, { httpProxy: proxy.url });
    const result = await transport.send(requestNo(1));
    expect(result.kind).toBe("retryable");
    expect(messageOf(result)).toBe("proxy refused the tunnel: 502 (the proxy could not reach the backend)");
    expect(proxy.connects.map((c) => c.target)).toEqual([`127.0.0.1:${port}`]);
  });

  it.each([
    ["ends the connection", (client: net.Socket) => client.end()],
    ["destroys the connection", (client: net.Socket) => client.destroy()],
    ["ends it after half an answer", (client: net.Socket) => client.end("HTTP/1.1 200 Connection est")],
  ])("turns a proxy that %s before answering into a retryable result", async (_name, close) => {
    const proxy = await startProxy((client) => close(client));
    const transport = transportFor("http://127.0.0.1:9", { httpProxy: secretProxyUrl(proxy.port) });
    const result = await transport.send(requestNo(1));
    expect(result).toEqual({ kind: "retryable", message: "proxy closed the connection before the tunnel opened" });
    expectNoSecrets(result, proxy.port);
  });

  it("turns a proxy that resets the connection into a retryable connection error", async () => {
    const proxy = await startProxy((client) => client.resetAndDestroy());
    const transport = transportFor("http://127.0.0.1:9", { httpProxy: secretProxyUrl(proxy.port) });
    const result = await transport.send(requestNo(1));
    expect(result).toEqual({ kind: "retryable", message: "proxy connection error: ECONNRESET" });
  });

  it("times out on a proxy that never answers, and closes the connection to it", async () => {
    const proxy = await startProxy(() => {
      // Reads the CONNECT, says nothing.
    });
    const transport = transportFor("http://127.0.0.1:9", { httpProxy: secretProxyUrl(proxy.port) }, { timeoutMs: 300 });
    const result = await transport.send(requestNo(1));
    expect(result).toEqual({ kind: "retryable", message: "proxy timed out after 300 ms" });
    expect(proxy.connects).toHaveLength(1);
    await waitFor("the silent proxy's connection to close", () => proxy.closed === 1);
  });

  it("times out on a proxy that accepts the connection but never reads or answers", async () => {
    // A raw listener that accepts and then does nothing at all.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    const port = await listen(silent);
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const transport = transportFor("http://127.0.0.1:9", { httpProxy: `http://127.0.0.1:${port}` }, { timeoutMs: 300 });
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", message: "proxy timed out after 300 ms" });
  });

  it.each([
    ["an SSH banner", "SSH-2.0-OpenSSH_9.6\r\n\r\n"],
    ["HTTP/2 text", "HTTP/2 200\r\n\r\n"],
    ["a status that is not three digits", "HTTP/1.1 20 OK\r\n\r\n"],
    ["a head with no end, longer than any CONNECT answer", `HTTP/1.1 200 OK\r\nX-Padding: ${"x".repeat(20_000)}`],
  ])("turns garbage instead of an answer (%s) into a retryable result", async (_name, garbage) => {
    const backend = await startBackend();
    const proxy = await startProxy((client) => client.write(garbage));
    const transport = transportFor(backend.url, { httpProxy: secretProxyUrl(proxy.port) });
    const result = await transport.send(requestNo(1));
    expect(result).toEqual({ kind: "retryable", message: "proxy: invalid answer to CONNECT" });
    expectNoSecrets(result, proxy.port);
    expect(backend.connections).toBe(0);
  });

  it("refuses a tunnel whose 200 answer comes with bytes after it", async () => {
    const backend = await startBackend();
    // As if the proxy (or something behind it) answered our request before we sent it.
    const proxy = await startProxy((client) => client.write(`HTTP/1.1 200 Connection established\r\n\r\n${answer()}`));
    const transport = transportFor(backend.url, { httpProxy: proxy.url });
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", message: "proxy: unexpected bytes after the tunnel opened" });
    expect(backend.connections).toBe(0);
    await waitFor("the refused tunnel to close", () => proxy.closed === 1);
  });

  it("turns a tunnel that closes right after opening into a retryable result, not sent again at once", async () => {
    const proxy = await startProxy((client) => {
      client.resume();
      client.end("HTTP/1.1 200 Connection established\r\n\r\n");
    });
    const transport = transportFor("http://127.0.0.1:9", { httpProxy: proxy.url }, { connections: 1 });
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", message: "connection closed before the answer" });
    // A brand-new connection that never carried an answer: not the keep-alive race, so one tunnel only.
    expect(proxy.connects).toHaveLength(1);
  });

  it("turns a proxy that is not listening into a retryable ECONNREFUSED", async () => {
    const port = await closedPort();
    const backend = await startBackend();
    const transport = transportFor(backend.url, { httpProxy: `http://alice:s3cr3t-pw@127.0.0.1:${port}` });
    const result = await transport.send(requestNo(1));
    expect(result).toEqual({ kind: "retryable", message: "proxy connection error: ECONNREFUSED" });
    expectNoSecrets(result, port);
    expect(backend.connections).toBe(0);
  });

  it("ends a send waiting for the tunnel when the transport closes, and closes the connection to the proxy", async () => {
    const proxy = await startProxy(() => {
      // Never answers.
    });
    const transport = transportFor("http://127.0.0.1:9", { httpProxy: proxy.url });
    const pending = transport.send(requestNo(1));
    await waitFor("the CONNECT to reach the proxy", () => proxy.connects.length === 1);
    transport.close();
    expect(await pending).toEqual({ kind: "failure", message: "transport closed" });
    await waitFor("the connection to the proxy to close", () => proxy.closed === 1);
  });
});

describe("Http1Transport and NO_PROXY, and an invalid proxy URL", () => {
  it("goes straight to a backend NO_PROXY names: the proxy sees nothing", async () => {
    for (const noProxy of ["127.0.0.1", "localhost, 127.0.0.1", "*"]) {
      const backend = await startBackend();
      const proxy = await startProxy();
      const transport = transportFor(backend.url, { httpProxy: proxy.url, noProxy });
      expect(await transport.send(requestNo(1)), noProxy).toMatchObject({ kind: "success", status: 201 });
      expect(proxy.connections, noProxy).toBe(0);
      expect(backend.requests.map(keyOf), noProxy).toEqual(["idem-1"]);
    }
  });

  it("goes straight when NO_PROXY names the backend's host and port, through the proxy when another port", async () => {
    const backend = await startBackend();
    const proxy = await startProxy();
    const straight = transportFor(backend.url, { httpProxy: proxy.url, noProxy: `127.0.0.1:${backend.port}` });
    expect((await straight.send(requestNo(1))).kind).toBe("success");
    expect(proxy.connections).toBe(0);
    const otherPort = backend.port === 1 ? 2 : 1;
    const proxied = transportFor(backend.url, { httpProxy: proxy.url, noProxy: `127.0.0.1:${otherPort}` });
    expect((await proxied.send(requestNo(2))).kind).toBe("success");
    expect(proxy.connects.map((c) => c.target)).toEqual([`127.0.0.1:${backend.port}`]);
    expect(backend.requests.map(keyOf)).toEqual(["idem-1", "idem-2"]);
  });

  it.each([
    ["http://127.0.0.1", "127.0.0.1:80", "127.0.0.1:443", "127.0.0.1:80"],
    ["https://127.0.0.1", "127.0.0.1:443", "127.0.0.1:80", "127.0.0.1:443"],
  ])("matches NO_PROXY host:port against the default port of %s", async (baseUrl, matching, notMatching, authority) => {
    const proxy = await startProxy((client) => client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n"));
    // Straight: whatever answers (or not) on that local port, the proxy is not asked.
    const straight = transportFor(baseUrl, { httpProxy: proxy.url, noProxy: matching }, { timeoutMs: 300 });
    await straight.send(requestNo(1));
    expect(proxy.connections).toBe(0);
    const proxied = transportFor(baseUrl, { httpProxy: proxy.url, noProxy: notMatching }, { timeoutMs: 2_000 });
    expect(messageOf(await proxied.send(requestNo(2)))).toBe("proxy refused the tunnel: 502 (the proxy could not reach the backend)");
    expect(proxy.connects.map((c) => c.target)).toEqual([authority]);
  });

  it("uses HTTP_PROXY, not HTTPS_PROXY, for an http:// backend", async () => {
    const backend = await startBackend();
    const httpProxy = await startProxy();
    const httpsProxy = await startProxy();
    const transport = transportFor(backend.url, { httpProxy: httpProxy.url, httpsProxy: httpsProxy.url });
    expect((await transport.send(requestNo(1))).kind).toBe("success");
    expect(httpProxy.connects).toHaveLength(1);
    expect(httpsProxy.connections).toBe(0);
    // And with only HTTPS_PROXY set, an http:// backend is reached straight.
    const straight = transportFor(backend.url, { httpsProxy: httpsProxy.url });
    expect((await straight.send(requestNo(2))).kind).toBe("success");
    expect(httpsProxy.connections).toBe(0);
    expect(backend.requests.map(keyOf)).toEqual(["idem-1", "idem-2"]);
  });

  it("uses HTTPS_PROXY for an https:// backend, and HTTP_PROXY when HTTPS_PROXY is not set", async () => {
    const refuse = (client: net.Socket) => client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
    const httpProxy = await startProxy(refuse);
    const httpsProxy = await startProxy(refuse);
    await transportFor("https://127.0.0.1:9", { httpProxy: httpProxy.url, httpsProxy: httpsProxy.url }).send(requestNo(1));
    expect(httpsProxy.connects.map((c) => c.target)).toEqual(["127.0.0.1:9"]);
    expect(httpProxy.connections).toBe(0);
    await transportFor("https://127.0.0.1:9", { httpProxy: httpProxy.url }).send(requestNo(2));
    expect(httpProxy.connects.map((c) => c.target)).toEqual(["127.0.0.1:9"]);
  });

  it.each([
    ["http", "HTTP_PROXY", { httpProxy: "socks5://alice:s3cr3t@127.0.0.1:1080" }],
    ["http", "HTTP_PROXY", { httpProxy: "http://proxy with spaces:3128", httpsProxy: "http://127.0.0.1:1" }],
    ["https", "HTTPS_PROXY", { httpsProxy: "socks5://alice:s3cr3t@127.0.0.1:1080", httpProxy: "http://127.0.0.1:1" }],
    ["https", "HTTP_PROXY", { httpProxy: "ftp://alice:s3cr3t@127.0.0.1:21" }],
  ])("fails an %s backend's sends naming %s when it is not an http(s) URL, and makes no request", async (scheme, variable, proxy) => {
    const backend = await startBackend();
    const transport = transportFor(`${scheme}://127.0.0.1:${backend.port}`, proxy);
    for (const n of [1, 2]) {
      const result = await transport.send(requestNo(n));
      expect(result).toEqual({ kind: "failure", message: `${variable} is not an http(s) URL` });
      expect(JSON.stringify(result)).not.toContain("s3cr3t");
    }
    expect(backend.connections).toBe(0);
  });

  it("ignores an invalid proxy URL for a backend NO_PROXY names", async () => {
    const backend = await startBackend();
    const transport = transportFor(backend.url, { httpProxy: "socks5://127.0.0.1:1080", noProxy: "127.0.0.1" });
    expect(await transport.send(requestNo(1))).toMatchObject({ kind: "success", status: 201 });
    expect(backend.requests.map(keyOf)).toEqual(["idem-1"]);
  });
});

describe("Http1Transport through a proxy: TLS", () => {
  let certs: TestCertificates;
  // Two self-signed certificates made now: one for localhost / 127.0.0.1, one for another name.
  beforeAll(() => {
    certs = makeTestCertificates("axonpush-http1-tls-");
  });
  afterAll(() => certs.remove());

  async function startHttpsBackend(which: "local" | "other") {
    const seen: { key: string | undefined; body: string; servername: string | false | null }[] = [];
    const stats = { connections: 0 };
    const server = https.createServer(certs[which], (req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        seen.push({ key: req.headers["idempotency-key"] as string | undefined, body, servername: (req.socket as TLSSocket).servername });
        res.writeHead(201, { "content-type": "application/json" }).end('{"id":"tls"}');
      });
    });
    server.on("secureConnection", () => (stats.connections += 1));
    server.on("tlsClientError", () => {});
    server.keepAliveTimeout = 60_000;
    const port = await listen(server);
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    return { port, seen, stats };
  }

  it("delivers to an https:// backend through the tunnel (TLS inside it), reuses it, and the process exits by itself", async () => {
    const backend = await startHttpsBackend("local");
    const proxy = await startProxy();
    const { code, output } = await runChild(SEND_THROUGH_PROXY, {
      URL: `https://localhost:${backend.port}`,
      PROXY: JSON.stringify({ httpsProxy: proxy.url }),
      COUNT: "3",
      NODE_EXTRA_CA_CERTS: certs.trustedFile,
    });
    expect(resultsOf(output), output).toEqual(Array(3).fill({ kind: "success", status: 201, body: '{"id":"tls"}' }));
    // Exited by itself, the idle connection still pooled and the proxy and the backend holding it open.
    expect(code, output).toBe(0);
    expect(proxy.connects.map((c) => c.target)).toEqual([`localhost:${backend.port}`]);
    expect(backend.stats.connections).toBe(1);
    // SNI names the backend, checked against its certificate; the bodies went through encrypted and intact.
    expect(backend.seen).toEqual([1, 2, 3].map((n) => ({ key: `idem-${n}`, body: JSON.stringify({ n }), servername: "localhost" })));
  });

  it("exits by itself after delivering to an http:// backend through the tunnel", async () => {
    const backend = await startBackend();
    const proxy = await startProxy();
    const { code, output } = await runChild(SEND_THROUGH_PROXY, { URL: backend.url, PROXY: JSON.stringify({ httpProxy: proxy.url }), COUNT: "2" });
    expect(resultsOf(output), output).toEqual(Array(2).fill({ kind: "success", status: 201, body: '{"id":"e1"}' }));
    expect(code, output).toBe(0);
    expect(proxy.connects).toHaveLength(1);
    expect(backend.requests.map(keyOf)).toEqual(["idem-1", "idem-2"]);
  });

  it("refuses an untrusted certificate through the tunnel, and closes the tunnel", async () => {
    // This test process does not trust the certificate.
    const backend = await startHttpsBackend("local");
    const proxy = await startProxy();
    const transport = transportFor(`https://127.0.0.1:${backend.port}`, { httpsProxy: proxy.url });
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", message: "connection error: DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(backend.seen).toEqual([]);
    expect(proxy.connects.map((c) => c.target)).toEqual([`127.0.0.1:${backend.port}`]);
    await waitFor("the tunnel to close", () => proxy.closed === 1);
  });

  it("refuses a trusted certificate for another name through the tunnel, and the process exits by itself", async () => {
    const backend = await startHttpsBackend("other");
    const proxy = await startProxy();
    const { code, output } = await runChild(SEND_THROUGH_PROXY, {
      URL: `https://localhost:${backend.port}`,
      PROXY: JSON.stringify({ httpsProxy: proxy.url }),
      COUNT: "1",
      NODE_EXTRA_CA_CERTS: certs.trustedFile,
    });
    expect(resultsOf(output), output).toEqual([{ kind: "retryable", message: "connection error: ERR_TLS_CERT_ALTNAME_INVALID" }]);
    expect(code, output).toBe(0);
    expect(backend.seen).toEqual([]);
    expect(proxy.connects).toHaveLength(1);
  });

  it("speaks TLS to an https:// proxy (SNI and certificate checked), for an http:// and an https:// backend, and exits by itself", async () => {
    const plainBackend = await startBackend();
    const tlsBackend = await startHttpsBackend("local");
    const proxy = await startProxy(tunnelThrough, certs.local);
    const proxyUrl = `https://alice:pw@localhost:${proxy.port}`;
    const trusted = { NODE_EXTRA_CA_CERTS: certs.trustedFile, PROXY: JSON.stringify({ httpProxy: proxyUrl, httpsProxy: proxyUrl }), COUNT: "2" };

    const plain = await runChild(SEND_THROUGH_PROXY, { ...trusted, URL: plainBackend.url });
    expect(resultsOf(plain.output), plain.output).toEqual(Array(2).fill({ kind: "success", status: 201, body: '{"id":"e1"}' }));
    expect(plain.code, plain.output).toBe(0);
    expect(plainBackend.requests.map(keyOf)).toEqual(["idem-1", "idem-2"]);

    const secure = await runChild(SEND_THROUGH_PROXY, { ...trusted, URL: `https://localhost:${tlsBackend.port}` });
    expect(resultsOf(secure.output), secure.output).toEqual(Array(2).fill({ kind: "success", status: 201, body: '{"id":"tls"}' }));
    expect(secure.code, secure.output).toBe(0);
    expect(tlsBackend.seen.map((s) => [s.key, s.servername])).toEqual([
      ["idem-1", "localhost"],
      ["idem-2", "localhost"],
    ]);

    // One tunnel per child, each over TLS to the proxy with SNI naming it, credentials inside the encryption.
    const credentials = Buffer.from("alice:pw").toString("base64");
    expect(proxy.connects.map((c) => [c.target, c.servername])).toEqual([
      [`127.0.0.1:${plainBackend.port}`, "localhost"],
      [`localhost:${tlsBackend.port}`, "localhost"],
    ]);
    for (const connect of proxy.connects) expect(connect.head).toContain(`\r\nproxy-authorization: Basic ${credentials}\r\n`);
  });

  it("refuses an https:// proxy whose certificate is not trusted", async () => {
    const backend = await startBackend();
    const proxy = await startProxy(tunnelThrough, certs.local);
    const transport = transportFor(backend.url, { httpProxy: `https://alice:s3cr3t@127.0.0.1:${proxy.port}` });
    const result = await transport.send(requestNo(1));
    expect(result).toEqual({ kind: "retryable", message: "proxy connection error: DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(proxy.connects).toEqual([]);
    expect(backend.connections).toBe(0);
  });

  it("refuses an https:// proxy that does not speak TLS", async () => {
    // A plain server behind an https:// proxy URL: its HTTP words where the TLS handshake's answer should be.
    const plainSockets = new Set<net.Socket>();
    const plain = net.createServer((socket) => {
      plainSockets.add(socket);
      socket.on("error", () => {});
      socket.resume();
      socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
    });
    const port = await listen(plain);
    cleanups.push(() => {
      for (const socket of plainSockets) socket.destroy();
      return new Promise((resolve) => plain.close(resolve));
    });
    const transport = transportFor("http://127.0.0.1:9", { httpProxy: `https://127.0.0.1:${port}` });
    const result = await transport.send(requestNo(1));
    expect(result.kind).toBe("retryable");
    expect(messageOf(result)).toMatch(/^proxy connection error: (EPROTO|ERR_SSL_)/);
  });
});
