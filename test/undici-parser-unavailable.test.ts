// undici's HTTP parser is WebAssembly; where its memory cannot be had (a virtual memory limit, `ulimit -v`:
// nodejs/node#56596) `new WebAssembly.Instance` throws "Out of memory". Here that constructor is made to throw
// the same way before undici first builds its parser (this file runs in a process of its own, so undici's
// cached parser is not built yet): the real undici says so, and the real transport stack sends with node:http.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { createEventTransport } from "../src/transport/create-transport.js";
import type { OutgoingRequest } from "../src/transport/types.js";
import { UndiciTransport } from "../src/transport/undici-transport.js";

const OUT_OF_MEMORY = "WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance";
const request: OutgoingRequest = { path: "/event", contentType: "application/json", body: '{"identifier":"span"}', idempotencyKey: "k-1", spanCount: 1 };

let server: http.Server;
let url: string;
const bodies: string[] = [];
/** The global WebAssembly object (its values are not in this project's type libraries). */
const wasm = (globalThis as unknown as { WebAssembly: { Instance: unknown } }).WebAssembly;
const realInstance = wasm.Instance;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      bodies.push(body);
      res.writeHead(201, { "content-type": "application/json" }).end('{"eventId":"1"}');
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  bodies.length = 0;
  wasm.Instance = function refused() {
    throw new RangeError(OUT_OF_MEMORY);
  };
});

afterEach(() => {
  wasm.Instance = realInstance;
});

describe("undici's parser cannot be built", () => {
  it("undici answers retryable and says why its parser cannot run", async () => {
    const transport = new UndiciTransport({ baseUrl: url, headersFor: () => ({ "content-type": "application/json" }), timeoutMs: 2000, connections: 2 });
    try {
      expect(transport.parserUnavailable).toBeUndefined();
      const result = await transport.send(request);
      expect(result.kind).toBe("retryable");
      expect(transport.parserUnavailable).toBe(OUT_OF_MEMORY);
      expect(bodies).toEqual([]);
    } finally {
      transport.close();
    }
  });

  it("behind a proxy, the transport stack delivers through node:http instead, the first request included", async () => {
    const client = new AxonPushClient({ apiKey: "ak_test_key", baseUrl: url });
    // undici is the proxy path; NO_PROXY sends this host straight, where the refused parser is found out.
    const transport = createEventTransport(client, { concurrency: 4, proxy: { httpProxy: "http://127.0.0.1:9", noProxy: "127.0.0.1" } });
    try {
      const results = await Promise.all([1, 2, 3].map((n) => transport.send({ ...request, idempotencyKey: `k-${n}`, body: `{"n":${n}}` })));
      expect(results.map((result) => result.kind)).toEqual(["success", "success", "success"]);
      expect(bodies.sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    } finally {
      transport.close();
    }
  });

  it("straight to the backend, the transport stack never asks for WebAssembly (our own HTTP/1.1 client)", async () => {
    let asked = 0;
    wasm.Instance = function refused() {
      asked += 1;
      throw new RangeError(OUT_OF_MEMORY);
    };
    const client = new AxonPushClient({ apiKey: "ak_test_key", baseUrl: url });
    const transport = createEventTransport(client, { concurrency: 4 });
    try {
      const results = await Promise.all([1, 2, 3].map((n) => transport.send({ ...request, idempotencyKey: `k-${n}`, body: `{"n":${n}}` })));
      expect(results.map((result) => result.kind)).toEqual(["success", "success", "success"]);
      expect(bodies.sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      expect(asked).toBe(0);
    } finally {
      transport.close();
    }
  });
});
