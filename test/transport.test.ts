import { once } from "node:events";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { Http1Transport, type Http1TransportOptions } from "../src/transport/http1-transport.js";
import type { OutgoingRequest, Transport } from "../src/transport/types.js";
import { startForwardProxy, type ForwardProxy } from "./helpers/forward-proxy.js";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

interface TinyServer {
  url: string;
  requests: { headers: http.IncomingHttpHeaders; body: string; url: string }[];
  connections: number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

async function startTinyServer(): Promise<TinyServer> {
  let handler: Handler = (_req, _body, res) => res.writeHead(201, { "content-type": "application/json" }).end("{}");
  const requests: TinyServer["requests"] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      requests.push({ headers: req.headers, body, url: req.url ?? "" });
      handler(req, body, res);
    });
  });
  const state = { connections: 0 };
  server.on("connection", () => (state.connections += 1));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return state.connections;
    },
    handle: (next) => (handler = next),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const request: OutgoingRequest = {
  path: "/event",
  contentType: "application/json",
  body: JSON.stringify({ identifier: "span", note: "héllo ✓" }),
  idempotencyKey: "idem-123",
  spanCount: 1,
};

let proxy: ForwardProxy;
beforeAll(async () => {
  proxy = await startForwardProxy();
});
afterAll(() => proxy.close());

/** Our HTTP/1.1 client straight to the backend, and through a CONNECT proxy (HTTP_PROXY): every behaviour holds both ways. */
const CLIENTS = {
  straight: (options: Http1TransportOptions) => new Http1Transport(options),
  "through a proxy": (options: Http1TransportOptions) => new Http1Transport({ ...options, proxy: { httpProxy: proxy.url } }),
};
type ClientName = keyof typeof CLIENTS;

function transportOf(name: ClientName, baseUrl: string, options: { timeoutMs?: number; apiKey?: string; environment?: string } = {}): Transport {
  const client = new AxonPushClient({ apiKey: options.apiKey ?? "ak_test_key", tenantId: "org_1", baseUrl });
  return CLIENTS[name]({
    baseUrl: client.baseUrl,
    headersFor: (contentType, extraHeaders) => client.fixedHeadersFor(contentType, extraHeaders, options.environment),
    timeoutMs: options.timeoutMs ?? 2000,
    connections: 4,
  });
}

function reply(status: number, body: object | string = "", headers: Record<string, string> = {}): Handler {
  return (_req, _body, res) =>
    res
      .writeHead(status, { "content-type": "application/json", ...headers })
      .end(typeof body === "string" ? body : JSON.stringify(body));
}

describe.each(Object.keys(CLIENTS) as ClientName[])("%s", (clientName) => {
  let server: TinyServer;
  let transport: Transport;
  const transportFor = (baseUrl: string, options: Parameters<typeof transportOf>[2] = {}) => transportOf(clientName, baseUrl, options);

  beforeEach(async () => {
    server = await startTinyServer();
    transport = transportFor(server.url, { environment: "staging" });
  });

  afterEach(async () => {
    transport.close();
    await server.close();
  });

  it("POSTs the body with every contract header and reports 201 as success", async () => {
    const result = await transport.send(request);
    // A success also carries the answer's bytes (see SendResult), here the receiver's JSON.
    expect(result).toMatchObject({ kind: "success", status: 201 });
    const [seen] = server.requests;
    expect(seen!.url).toBe("/event");
    expect(seen!.body).toBe(request.body);
    expect(seen!.headers["x-api-key"]).toBe("ak_test_key");
    expect(seen!.headers["x-axonpush-api-key"]).toBe("ak_test_key");
    expect(seen!.headers["x-tenant-id"]).toBe("org_1");
    expect(seen!.headers["content-type"]).toBe("application/json");
    expect(seen!.headers["idempotency-key"]).toBe("idem-123");
    expect(seen!.headers["x-axonpush-environment"]).toBe("staging");
    expect(seen!.headers["content-length"]).toBe(String(Buffer.byteLength(request.body as string)));
    expect(proxy.tunnels.includes(new URL(server.url).host)).toBe(clientName === "through a proxy");
  });

  it("keeps the base URL's path prefix", async () => {
    const prefixed = transportFor(`${server.url}/api/v1/`);
    await prefixed.send(request);
    prefixed.close();
    expect(server.requests[0]!.url).toBe("/api/v1/event");
  });

  it("reuses keep-alive connections for sequential requests", async () => {
    for (let i = 0; i < 20; i++) expect((await transport.send(request)).kind).toBe("success");
    // One request at a time on one connection: the same connection every time.
    expect(server.connections).toBe(1);
  });

  it.each([200, 201, 202, 204])("treats %i as success", async (status) => {
    server.handle(reply(status));
    expect(await transport.send(request)).toEqual({ kind: "success", status });
  });

  it.each([400, 401, 403, 404, 409, 422])("treats %i as a failure, never retryable, with the server's message", async (status) => {
    server.handle(reply(status, { code: "nope", message: "channel ch_9 not found", hint: "check AXONPUSH_CHANNEL_ID" }));
    const result = await transport.send(request);
    expect(result).toEqual({
      kind: "failure",
      status,
      message: `HTTP ${status}: channel ch_9 not found (check AXONPUSH_CHANNEL_ID)`,
    });
  });

  it("reads the problem+json shape of the current API: detail and the first error's location and message", async () => {
    const problem = {
      type: "about:blank",
      title: "Unprocessable Entity",
      status: 422,
      detail: "validation failed",
      instance: "/event",
      errors: [{ location: "body.environment", message: "unexpected property", value: "staging" }],
    };
    server.handle((_req, _body, res) => res.writeHead(422, { "content-type": "application/problem+json" }).end(JSON.stringify(problem)));
    expect(await transport.send(request)).toEqual({
      kind: "failure",
      status: 422,
      message: "HTTP 422: validation failed (body.environment: unexpected property)",
      refusedProperties: ["environment"],
    });
  });

  it("names the properties a 400 of the first backend refuses", async () => {
    server.handle(reply(400, { code: "validation_failed", message: "property dedupKey should not exist", requestId: "r1" }));
    expect(await transport.send(request)).toEqual({
      kind: "failure",
      status: 400,
      message: "HTTP 400: property dedupKey should not exist",
      refusedProperties: ["dedupKey"],
    });
  });

  it("shows the server's words for a problem+json 401, never the key", async () => {
    server.handle(reply(401, { title: "Unauthorized", status: 401, detail: "invalid API key ak_test_key" }));
    const result = await transport.send(request);
    expect(result).toMatchObject({ kind: "failure", status: 401, message: "HTTP 401: invalid API key ak_test_key" });
    // The transport reports the words; the exporter scrubs the key before printing (see queue.test.ts).
  });

  it("keeps a non-JSON error body as text", async () => {
    server.handle(reply(400, "plain words"));
    expect(await transport.send(request)).toMatchObject({ kind: "failure", message: "HTTP 400: plain words" });
  });

  it.each([408, 429, 500, 502, 503, 504])("treats %i as retryable", async (status) => {
    server.handle(reply(status, { message: "busy" }));
    expect(await transport.send(request)).toEqual({ kind: "retryable", status, message: `HTTP ${status}: busy` });
  });

  it("reads Retry-After seconds", async () => {
    server.handle(reply(429, { message: "slow down" }, { "retry-after": "2" }));
    expect(await transport.send(request)).toMatchObject({ kind: "retryable", status: 429, retryAfterMs: 2000 });
  });

  it("reads a Retry-After HTTP date", async () => {
    const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
    server.handle(reply(503, "", { "retry-after": inFiveSeconds }));
    const result = await transport.send(request);
    expect(result.kind).toBe("retryable");
    const wait = (result as { retryAfterMs?: number }).retryAfterMs!;
    // HTTP dates have one-second resolution.
    expect(wait).toBeGreaterThan(3000);
    expect(wait).toBeLessThanOrEqual(5000);
  });

  it("turns a timeout into a retryable result", async () => {
    server.handle(() => {
      // never answer
    });
    const quick = transportFor(server.url, { timeoutMs: 100 });
    const result = await quick.send(request);
    quick.close();
    expect(result).toEqual({ kind: "retryable", message: "timed out after 100 ms" });
  });

  it("turns a refused connection into a retryable result", async () => {
    const url = server.url;
    await server.close();
    const orphan = transportFor(url);
    const result = await orphan.send(request);
    orphan.close();
    expect(result.kind).toBe("retryable");
    // Through a proxy, the proxy is the one refused, and says so with a 502.
    expect((result as { message: string }).message).toContain(clientName === "through a proxy" ? "proxy refused the tunnel: 502 (the proxy could not reach the backend)" : "ECONNREFUSED");
  });

  it("turns a connection closed as soon as it is accepted into a retryable result, at once", async () => {
    // undici 6 never settled such a request, and ignored its abort signal: a slot lost for good.
    let accepted = 0;
    const cutter = net.createServer((socket) => {
      accepted += 1;
      socket.destroy();
    });
    cutter.listen(0, "127.0.0.1");
    await once(cutter, "listening");
    const cut = transportFor(`http://127.0.0.1:${(cutter.address() as AddressInfo).port}`, { timeoutMs: 10_000 });
    try {
      const started = Date.now();
      const result = await cut.send(request);
      expect(result.kind).toBe("retryable");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(accepted).toBeGreaterThanOrEqual(1);
    } finally {
      cut.close();
      await new Promise((resolve) => cutter.close(resolve));
    }
  });

  it("turns a dropped connection into a retryable result", async () => {
    server.handle((req) => req.socket.destroy());
    const result = await transport.send(request);
    expect(result.kind).toBe("retryable");
  });

  it("fails (without throwing, without echoing the key) when a header cannot be sent", async () => {
    const broken = transportFor(server.url, { apiKey: "ak_line\nbreak_secret" });
    const result = await broken.send(request);
    broken.close();
    expect(result.kind).toBe("failure");
    expect(JSON.stringify(result)).not.toContain("break_secret");
    expect(server.requests).toHaveLength(0);
  });

  it("fails on a base URL that is not http(s)", async () => {
    const bad = transportFor("ftp://example.invalid");
    expect((await bad.send(request)).kind).toBe("failure");
    const garbage = transportFor("not a url");
    expect((await garbage.send(request)).kind).toBe("failure");
  });

  it("settles in-flight requests on close and refuses later ones", async () => {
    server.handle(() => {
      // hang
    });
    const inFlight = transport.send(request);
    await new Promise((resolve) => setTimeout(resolve, 50));
    transport.close();
    expect((await inFlight).kind).not.toBe("success");
    expect(await transport.send(request)).toEqual({ kind: "failure", message: "transport closed" });
  });

  it("accepts a Uint8Array body", async () => {
    const bytes = new TextEncoder().encode('{"b":1}');
    expect((await transport.send({ ...request, body: bytes })).kind).toBe("success");
    expect(server.requests[0]!.body).toBe('{"b":1}');
  });
});
