// Behaviours of Http1Transport (our own HTTP/1.1 client) that the shared suite in transport.test.ts does not
// reach: the keep-alive race, connections the server will not keep, the pool's limit, the three body framings
// on the wire, invalid answers, TLS, not holding the process, and the exact bytes of the request head.
// Servers listen on 127.0.0.1, port 0; raw `net` servers where the exact bytes matter.
import { once } from "node:events";
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Http1Transport } from "../src/transport/http1-transport.js";
import type { OutgoingRequest } from "../src/transport/types.js";
import { answer, keyOf, listen, startRawServer as startRawServerOn, type RawRequest } from "./helpers/raw-http-server.js";
import { makeTestCertificates, runTsxChild, type TestCertificates } from "./helpers/tls-test-kit.js";

const TRANSPORT_MODULE = new URL("../src/transport/http1-transport.ts", import.meta.url).href;

/** Run after each test, last registered first: transports, servers, temp dirs. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function requestNo(n: number, body: string | Uint8Array = JSON.stringify({ n, note: "héllo ✓" })): OutgoingRequest {
  return { path: "/event", contentType: "application/json", body, idempotencyKey: `idem-${n}`, spanCount: 1 };
}

function transportFor(baseUrl: string, options: { connections?: number; timeoutMs?: number; headers?: Record<string, string> } = {}) {
  const transport = new Http1Transport({
    baseUrl,
    headersFor: (contentType) => ({ "Content-Type": contentType, ...options.headers }),
    timeoutMs: options.timeoutMs ?? 5_000,
    connections: options.connections ?? 4,
  });
  cleanups.push(() => transport.close());
  return transport;
}

function startRawServer(handler: (socket: net.Socket, request: RawRequest) => void) {
  return startRawServerOn(handler, cleanups);
}

// ---- A node:http server that counts connections, open sockets and requests being handled. ----

async function startHttpServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const stats = { connections: 0, open: 0, maxOpen: 0, handling: 0, maxHandling: 0 };
  const server = http.createServer((req, res) => {
    stats.handling += 1;
    stats.maxHandling = Math.max(stats.maxHandling, stats.handling);
    res.on("finish", () => (stats.handling -= 1));
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      requests.push({ headers: req.headers, body });
      handler(req, res);
    });
  });
  server.on("connection", (socket: net.Socket) => {
    stats.connections += 1;
    stats.open += 1;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    socket.on("close", () => (stats.open -= 1));
  });
  server.keepAliveTimeout = 60_000;
  const port = await listen(server);
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${port}`, requests, stats };
}

// ---- Child processes: the transport's source run through tsx, as transport-natural-exit.test.ts does. ----

function runChild(script: string, env: Record<string, string>, limitMs = 20_000) {
  return runTsxChild(script, { TRANSPORT_MODULE, ...env }, limitMs, (kill) => cleanups.push(kill));
}

describe("Http1Transport: the keep-alive race", () => {
  // The server reads the second request on a kept-alive connection and closes it unanswered, as one that
  // closes an idle connection just as a request arrives: the request must go again, once, at once, on a
  // fresh connection.
  it.each([
    ["a FIN (end)", (socket: net.Socket) => socket.end()],
    ["a FIN (destroy)", (socket: net.Socket) => socket.destroy()],
    ["a reset", (socket: net.Socket) => socket.resetAndDestroy()],
  ])("re-sends a request the server closed the idle connection on with %s, on a fresh connection", async (_name, close) => {
    const server = await startRawServer((socket, request) => {
      if (request.connection === 1 && request.onConnection === 2) close(socket);
      else socket.write(answer(`{"n":${request.onConnection}}`));
    });
    const transport = transportFor(server.url, { connections: 1 });
    expect(await transport.send(requestNo(1))).toMatchObject({ kind: "success", status: 201 });
    // No retryable result: the re-send happened inside this one send.
    expect(await transport.send(requestNo(2))).toMatchObject({ kind: "success", status: 201 });
    expect(server.connections).toBe(2);
    expect(server.requests.map((r) => [keyOf(r), r.connection, r.onConnection])).toEqual([
      ["idem-1", 1, 1],
      ["idem-2", 1, 2],
      ["idem-2", 2, 1],
    ]);
    // The very same request (same Idempotency-Key, same bytes), so the server never stores it twice.
    expect(server.requests[2]!.headBytes.equals(server.requests[1]!.headBytes)).toBe(true);
    expect(server.requests[2]!.body.equals(server.requests[1]!.body)).toBe(true);
    // The fresh connection is kept for the next request.
    expect(await transport.send(requestNo(3))).toMatchObject({ kind: "success" });
    expect(server.connections).toBe(2);
  });

  it("re-sends only once: a fresh connection closed unanswered is a retryable result", async () => {
    // Only the very first request is answered; every later one is cut.
    const server = await startRawServer((socket, request) => {
      if (request.connection === 1 && request.onConnection === 1) socket.write(answer());
      else socket.destroy();
    });
    const transport = transportFor(server.url, { connections: 1 });
    expect((await transport.send(requestNo(1))).kind).toBe("success");
    expect(await transport.send(requestNo(2))).toEqual({ kind: "retryable", message: "connection closed before the answer" });
    expect(server.requests.map((r) => [keyOf(r), r.connection])).toEqual([
      ["idem-1", 1],
      ["idem-2", 1],
      ["idem-2", 2],
    ]);
  });

  it("does not re-send once any byte of the answer came back (the server may have acted on it)", async () => {
    const server = await startRawServer((socket, request) => {
      if (request.onConnection === 1) socket.write(answer());
      else socket.end("HTTP/1.1 200 OK\r\nContent-Le");
    });
    const transport = transportFor(server.url, { connections: 1 });
    expect((await transport.send(requestNo(1))).kind).toBe("success");
    expect((await transport.send(requestNo(2))).kind).toBe("retryable");
    expect(server.requests.map(keyOf)).toEqual(["idem-1", "idem-2"]);
  });

  it("does not re-send a request cut on a brand-new connection", async () => {
    const server = await startRawServer((socket) => socket.destroy());
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", message: "connection closed before the answer" });
    expect(server.requests).toHaveLength(1);
    expect(server.connections).toBe(1);
  });

  // A timeout on a kept-alive connection looks like the race (an answer before, no byte back) but is not: sent
  // again at once, one send would last twice timeoutMs and a hung server would get the request twice.
  it("a try that times out on a kept-alive connection is not sent again", async () => {
    const server = await startRawServer((socket, request) => {
      if (request.onConnection === 1 && request.connection === 1) socket.write(answer());
      // later requests: never answered
    });
    const transport = transportFor(server.url, { connections: 1, timeoutMs: 300 });
    expect((await transport.send(requestNo(1))).kind).toBe("success");
    expect(await transport.send(requestNo(2))).toEqual({ kind: "retryable", message: "timed out after 300 ms" });
    expect(server.requests.map(keyOf)).toEqual(["idem-1", "idem-2"]);
  });
});

describe("Http1Transport: connections the server will not keep", () => {
  it("sends every request on a new connection when each answer says Connection: close", async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(201, { connection: "close", "content-type": "application/json" }).end("{}"));
    const transport = transportFor(server.url, { connections: 2 });
    for (let n = 1; n <= 5; n++) expect(await transport.send(requestNo(n))).toMatchObject({ kind: "success", status: 201 });
    expect(server.stats.connections).toBe(5);
    expect(server.requests.map((r) => r.headers["idempotency-key"])).toEqual(["idem-1", "idem-2", "idem-3", "idem-4", "idem-5"]);
  });

  it("keeps the queue moving when connections go away after each answer", async () => {
    // Waiting requests take the room each closed connection leaves.
    const server = await startHttpServer((_req, res) => {
      setTimeout(() => res.writeHead(201, { connection: "close" }).end(), 10);
    });
    const transport = transportFor(server.url, { connections: 2 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => transport.send(requestNo(n))));
    expect(results.every((result) => result.kind === "success")).toBe(true);
    expect(server.stats.connections).toBe(8);
    expect(server.stats.maxHandling).toBeLessThanOrEqual(2);
  });

  it("reads an HTTP/1.0 answer and does not reuse its connection", async () => {
    const server = await startRawServer((socket) => socket.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "success", status: 200, body: Buffer.from("ok") });
    expect(await transport.send(requestNo(2))).toMatchObject({ kind: "success", status: 200 });
    expect(server.connections).toBe(2);
  });
});

describe("Http1Transport: the pool", () => {
  it("queues sends beyond `connections` and never opens more sockets than that", async () => {
    const server = await startHttpServer((_req, res) => {
      // Slow enough that all sends are waiting at once.
      setTimeout(() => res.writeHead(201).end(), 20);
    });
    const transport = transportFor(server.url, { connections: 3 });
    const results = await Promise.all(Array.from({ length: 15 }, (_, n) => transport.send(requestNo(n))));
    expect(results.every((result) => result.kind === "success")).toBe(true);
    expect(server.stats.maxOpen).toBe(3);
    expect(server.stats.connections).toBe(3);
    expect(server.stats.maxHandling).toBeLessThanOrEqual(3);
    expect(server.requests.map((r) => r.headers["idempotency-key"]).sort()).toEqual(Array.from({ length: 15 }, (_, n) => `idem-${n}`).sort());
  });

  it("ends every unanswered send when it closes, on a connection or waiting for one, and closes its connections", async () => {
    const server = await startHttpServer(() => {
      // Never answers.
    });
    const transport = transportFor(server.url, { connections: 1 });
    const onTheWire = transport.send(requestNo(0));
    const waiting = transport.send(requestNo(1));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    transport.close();
    const closed = { kind: "failure", message: "transport closed" };
    expect(await onTheWire).toEqual(closed);
    expect(await waiting).toEqual(closed);
    await vi.waitFor(() => expect(server.stats.open).toBe(0));
    expect(server.requests.map((r) => r.headers["idempotency-key"])).toEqual(["idem-0"]);
  });

  it("sends queued requests oldest first", async () => {
    const server = await startHttpServer((_req, res) => setTimeout(() => res.writeHead(201).end(), 5));
    const transport = transportFor(server.url, { connections: 1 });
    await Promise.all(Array.from({ length: 6 }, (_, n) => transport.send(requestNo(n))));
    expect(server.requests.map((r) => r.headers["idempotency-key"])).toEqual(["idem-0", "idem-1", "idem-2", "idem-3", "idem-4", "idem-5"]);
  });

  // When a stale connection's request is re-sent on a fresh connection, the dispatch `whenGone` queued for the
  // oldest waiting request finds no room; it once pushed that request to the END of the queue.
  it("keeps queued requests oldest first across a keep-alive race re-send", async () => {
    const server = await startRawServer((socket, request) => {
      if (request.connection === 1 && request.onConnection === 2) socket.end();
      else setTimeout(() => socket.write(answer()), 10);
    });
    const transport = transportFor(server.url, { connections: 1 });
    await transport.send(requestNo(0));
    await Promise.all([1, 2, 3, 4].map((n) => transport.send(requestNo(n))));
    expect(server.requests.map(keyOf)).toEqual(["idem-0", "idem-1", "idem-1", "idem-2", "idem-3", "idem-4"]);
  });
});

describe("Http1Transport: answers on the wire", () => {
  it("reads a chunked answer written in pieces, and keeps the connection", async () => {
    const pieces = [
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      "5;ext=1\r\n",
      '{"id"',
      "\r\n6\r\n",
      ':"e1"}\r\n0\r\nX-Trailer: done\r\n',
      "\r\n",
    ];
    const server = await startRawServer(async (socket) => {
      // One write per piece, with pauses, so the client sees them as separate reads.
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "success", status: 201, body: Buffer.from('{"id":"e1"}') });
    expect(await transport.send(requestNo(2))).toMatchObject({ kind: "success", status: 201 });
    expect(server.connections).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it("reads a chunked error answer into a classified result", async () => {
    const server = await startRawServer((socket) =>
      socket.write('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nTransfer-Encoding: chunked\r\n\r\n12\r\n{"message":"busy"}\r\n0\r\n\r\n'),
    );
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", status: 503, message: "HTTP 503: busy", retryAfterMs: 3000 });
  });

  it("reads an answer delimited by the server closing, and opens a new connection for the next request", async () => {
    const server = await startRawServer((socket, request) => {
      socket.write("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n");
      socket.write(`{"n":`);
      setTimeout(() => socket.end(`${request.connection}}`), 10);
    });
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "success", status: 201, body: Buffer.from('{"n":1}') });
    expect(await transport.send(requestNo(2))).toEqual({ kind: "success", status: 201, body: Buffer.from('{"n":2}') });
    expect(server.connections).toBe(2);
  });

  it("reads a close-delimited error body to the end", async () => {
    const server = await startRawServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n{"message":"no such channel"}'));
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "failure", status: 400, message: "HTTP 400: no such channel" });
  });

  it.each([
    ["not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "invalid answer: not an HTTP/1 answer"],
    ["a bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nok", "invalid answer: invalid Content-Length"],
    ["a bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid answer: invalid chunk size"],
    ["a protocol switch", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "invalid answer: unexpected protocol switch (HTTP 101)"],
  ])("turns an invalid answer (%s) into a retryable result, and drops the connection", async (_name, bytes, message) => {
    let first = true;
    const server = await startRawServer((socket) => {
      socket.write(first ? bytes : answer());
      first = false;
    });
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", message });
    // The next request goes on a new connection and gets the server's real answer.
    expect(await transport.send(requestNo(2))).toMatchObject({ kind: "success", status: 201 });
    expect(server.connections).toBe(2);
  });

  it("reports an answer cut short as retryable", async () => {
    const server = await startRawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    const transport = transportFor(server.url);
    expect(await transport.send(requestNo(1))).toEqual({ kind: "retryable", message: "connection closed mid-answer (HTTP 200)" });
  });
});

describe("Http1Transport: HTTPS", () => {
  let certs: TestCertificates;
  // Two self-signed certificates made now: one for localhost / 127.0.0.1, one for another name.
  beforeAll(() => {
    certs = makeTestCertificates("axonpush-http1-tls-");
  });
  afterAll(() => certs.remove());

  async function startHttpsServer(which: "local" | "other") {
    const seen: { body: string; servername: string | false | null }[] = [];
    const server = https.createServer(certs[which], (req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        seen.push({ body, servername: (req.socket as TLSSocket).servername });
        res.writeHead(201, { "content-type": "application/json" }).end('{"id":"tls"}');
      });
    });
    const port = await listen(server);
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    return { port, seen };
  }

  // Sends one request to each URL through Http1Transport; prints the results as JSON.
  const SEND_TO_EACH = `
    const { Http1Transport } = await import(process.env.TRANSPORT_MODULE);
    const results = [];
    for (const url of JSON.parse(process.env.URLS)) {
      const transport = new Http1Transport({ baseUrl: url, headersFor: () => ({ "content-type": "application/json" }), timeoutMs: 5000, connections: 1 });
      const result = await transport.send({ path: "/event", contentType: "application/json", body: JSON.stringify({ url }), idempotencyKey: "k", spanCount: 1 });
      transport.close();
      results.push(result.kind === "success" ? { kind: result.kind, status: result.status, body: Buffer.from(result.body).toString() } : result);
    }
    console.log("RESULTS " + JSON.stringify(results));
  `;
  const resultsOf = (output: string) => JSON.parse(/^RESULTS (.*)$/m.exec(output)?.[1] ?? "null");

  it("succeeds when the server's certificate is trusted (NODE_EXTRA_CA_CERTS), by name and by address", async () => {
    const server = await startHttpsServer("local");
    const urls = [`https://localhost:${server.port}`, `https://127.0.0.1:${server.port}/api`];
    const { code, output } = await runChild(SEND_TO_EACH, { URLS: JSON.stringify(urls), NODE_EXTRA_CA_CERTS: certs.trustedFile });
    expect(code, output).toBe(0);
    expect(resultsOf(output), output).toEqual([
      { kind: "success", status: 201, body: '{"id":"tls"}' },
      { kind: "success", status: 201, body: '{"id":"tls"}' },
    ]);
    // The server got both bodies; SNI names the host, and is left out for an address.
    expect(server.seen).toEqual([
      { body: JSON.stringify({ url: urls[0] }), servername: "localhost" },
      { body: JSON.stringify({ url: urls[1] }), servername: false },
    ]);
  });

  it("checks the certificate's name even when it is trusted", async () => {
    const server = await startHttpsServer("other");
    const urls = [`https://127.0.0.1:${server.port}`, `https://localhost:${server.port}`];
    const { code, output } = await runChild(SEND_TO_EACH, { URLS: JSON.stringify(urls), NODE_EXTRA_CA_CERTS: certs.trustedFile });
    expect(code, output).toBe(0);
    expect(resultsOf(output), output).toEqual([
      { kind: "retryable", message: "connection error: ERR_TLS_CERT_ALTNAME_INVALID" },
      { kind: "retryable", message: "connection error: ERR_TLS_CERT_ALTNAME_INVALID" },
    ]);
    expect(server.seen).toEqual([]);
  });

  it("fails with a retryable connection error naming the certificate problem when it is not trusted", async () => {
    // This test process does not trust the certificate.
    const server = await startHttpsServer("local");
    for (const url of [`https://localhost:${server.port}`, `https://127.0.0.1:${server.port}`]) {
      const transport = transportFor(url);
      expect(await transport.send(requestNo(1)), url).toEqual({ kind: "retryable", message: "connection error: DEPTH_ZERO_SELF_SIGNED_CERT" });
    }
    expect(server.seen).toEqual([]);
  });

  it("fails with a retryable connection error against a server that does not speak TLS", async () => {
    // A plain HTTP server's words where the TLS handshake's answer should be.
    const sockets = new Set<net.Socket>();
    const plain = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.resume();
      socket.end(answer());
    });
    const port = await listen(plain);
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => plain.close(resolve));
    });
    const transport = transportFor(`https://127.0.0.1:${port}`);
    const result = await transport.send(requestNo(1));
    expect(result.kind).toBe("retryable");
    expect((result as { message: string }).message).toMatch(/^connection error: (EPROTO|ERR_SSL_)/);
  });
});

describe("Http1Transport: the process", () => {
  it("holds the process while a request is on the wire, not once its connection is idle", async () => {
    // The answer comes late: the child must wait for it (the socket holds the event loop while in use). Then
    // it does nothing more and never closes the transport: it must exit by itself, long before the server's
    // keep-alive timeout (60 s) or the client's idle timeout (15 s) would close the connection.
    let requests = 0;
    const server = await startHttpServer((_req, res) => {
      requests += 1;
      setTimeout(() => res.writeHead(201, { "content-type": "application/json" }).end('{"id":"late"}'), 500);
    });
    const script = `
      const { Http1Transport } = await import(process.env.TRANSPORT_MODULE);
      const transport = new Http1Transport({ baseUrl: process.env.URL, headersFor: () => ({}), timeoutMs: 5000, connections: 2 });
      const result = await transport.send({ path: "/event", contentType: "application/json", body: "{}", idempotencyKey: "k", spanCount: 1 });
      console.log("RESULT " + result.kind + " " + result.status);
    `;
    const { code, output } = await runChild(script, { URL: server.url }, 10_000);
    expect(output).toContain("RESULT success 201");
    expect(code, output).toBe(0);
    expect(requests).toBe(1);
  });
});

describe("Http1Transport: the request head", () => {
  it.each([
    ["CRLF and a second header", { "X-Note": "a\r\nX-Injected: 1" }],
    ["a bare LF", { "X-Note": "a\nb" }],
    ["a bare CR", { "X-Note": "a\rb" }],
    ["a NUL", { "X-Note": "a\u0000b" }],
    ["a character beyond Latin-1", { "X-Note": "ok ✓" }],
    ["a name with a space", { "X Note": "a" }],
    ["a name with a colon", { "X-Note:": "a" }],
  ])("fails a request whose header has %s, and sends nothing", async (_name, headers) => {
    const server = await startRawServer((socket) => socket.write(answer()));
    const transport = transportFor(server.url, { headers });
    expect(await transport.send(requestNo(1))).toEqual({ kind: "failure", message: "request could not be built: invalid header" });
    // Nothing reached the server: not even a connection.
    expect(server.connections).toBe(0);
    expect(server.requests).toEqual([]);
  });

  it.each([
    ["CRLF and a second header", "k\r\nX-Injected: 1"],
    ["a bare LF", "k\nb"],
    ["a character beyond Latin-1", "k✓"],
  ])("fails a request whose Idempotency-Key has %s, and sends nothing", async (_name, idempotencyKey) => {
    const server = await startRawServer((socket) => socket.write(answer()));
    const transport = transportFor(server.url);
    expect(await transport.send({ ...requestNo(1), idempotencyKey })).toEqual({ kind: "failure", message: "request could not be built: invalid header" });
    expect(server.connections).toBe(0);
    // The fixed headers were fine: the next request goes out.
    expect((await transport.send(requestNo(2))).kind).toBe("success");
    expect(server.requests.map((r) => keyOf(r))).toEqual(["idem-2"]);
  });

  it("asks for the fixed headers once per path and content type, and for every request with extra headers", async () => {
    const server = await startRawServer((socket) => socket.write(answer()));
    const asked: [string, Readonly<Record<string, string>> | undefined][] = [];
    const transport = new Http1Transport({
      baseUrl: server.url,
      headersFor: (contentType, extraHeaders) => {
        asked.push([contentType, extraHeaders]);
        return { ...extraHeaders, "Content-Type": contentType, "X-Api-Key": "ak_test" };
      },
      timeoutMs: 5_000,
      connections: 2,
    });
    cleanups.push(() => transport.close());
    for (let n = 1; n <= 3; n++) expect((await transport.send(requestNo(n))).kind).toBe("success");
    const otlp = { path: "/v1/traces", contentType: "application/x-protobuf", body: new Uint8Array([1, 2]), idempotencyKey: "idem-o", spanCount: 2 };
    expect((await transport.send(otlp)).kind).toBe("success");
    expect((await transport.send({ ...otlp, idempotencyKey: "idem-p" })).kind).toBe("success");
    const channel = { "X-Axonpush-Channel": "ch_1" };
    expect((await transport.send({ ...otlp, idempotencyKey: "idem-q", headers: channel })).kind).toBe("success");
    expect((await transport.send({ ...otlp, idempotencyKey: "idem-r", headers: { "X-Axonpush-Channel": "ch_2" } })).kind).toBe("success");
    expect(asked).toEqual([
      ["application/json", undefined],
      ["application/x-protobuf", undefined],
      ["application/x-protobuf", channel],
      ["application/x-protobuf", { "X-Axonpush-Channel": "ch_2" }],
    ]);
    // Every request still carries its own key, and the extra header only where it was given.
    expect(server.requests.map((r) => keyOf(r))).toEqual(["idem-1", "idem-2", "idem-3", "idem-o", "idem-p", "idem-q", "idem-r"]);
    expect(server.requests.map((r) => /\r\nX-Axonpush-Channel: ([^\r]*)/.exec(r.head)?.[1])).toEqual([undefined, undefined, undefined, undefined, undefined, "ch_1", "ch_2"]);
    expect(server.requests.every((r) => r.head.includes("\r\nX-Api-Key: ak_test\r\n"))).toBe(true);
  });

  it("leaves out framing headers a caller passes, and sends the rest as given", async () => {
    const server = await startRawServer((socket) => socket.write(answer()));
    const headers = { "Content-Length": "999", Host: "evil.example", Connection: "close", "Transfer-Encoding": "chunked", "Idempotency-Key": "theirs", "X-Kept": " a\tb " };
    const transport = transportFor(`${server.url}/api/`, { headers });
    expect((await transport.send(requestNo(1, "{}"))).kind).toBe("success");
    const [seen] = server.requests;
    const port = server.url.split(":").pop();
    expect(seen!.head).toBe(
      `POST /api/event HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Kept:  a\tb \r\nIdempotency-Key: idem-1\r\ncontent-length: 2\r\n\r\n`,
    );
    // And the connection is kept: the caller's Connection: close never went out.
    expect((await transport.send(requestNo(2))).kind).toBe("success");
    expect(server.connections).toBe(1);
  });

  it.each([
    ["a string body", JSON.stringify({ note: "héllo ✓ 🚀" })],
    ["a Uint8Array body", new TextEncoder().encode(JSON.stringify({ note: "héllo ✓ 🚀" }))],
  ])("sends a Latin-1 header value as Latin-1 bytes, with %s in UTF-8 intact", async (_name, body) => {
    const server = await startRawServer((socket) => socket.write(answer()));
    const transport = transportFor(server.url, { headers: { "X-Axonpush-Environment": "prödüction" } });
    expect((await transport.send(requestNo(1, body))).kind).toBe("success");
    const [seen] = server.requests;
    // One byte per character (ö = 0xf6, ü = 0xfc), not UTF-8's two.
    expect(seen!.headBytes.includes(Buffer.from("\r\nX-Axonpush-Environment: prödüction\r\n", "latin1"))).toBe(true);
    expect(seen!.headBytes.includes(Buffer.from("prödüction", "utf8"))).toBe(false);
    const utf8 = Buffer.from(JSON.stringify({ note: "héllo ✓ 🚀" }), "utf8");
    expect(seen!.head).toContain(`\r\ncontent-length: ${utf8.length}\r\n`);
    expect(seen!.body.equals(utf8)).toBe(true);
  });

  it("is read back as the same value by Node's own HTTP server", async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(201).end());
    const transport = transportFor(server.url, { headers: { "X-Axonpush-Environment": "prödüction" } });
    const body = JSON.stringify({ note: "héllo ✓ 🚀" });
    expect((await transport.send(requestNo(1, body))).kind).toBe("success");
    expect(server.requests[0]!.headers["x-axonpush-environment"]).toBe("prödüction");
    expect(server.requests[0]!.body).toBe(body);
  });
});
