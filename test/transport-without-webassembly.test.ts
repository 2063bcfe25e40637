// Where WebAssembly cannot be had (a virtual memory limit, `ulimit -v`: nodejs/node#56596, or `node --jitless`)
// `new WebAssembly.Instance` throws "Out of memory". undici's HTTP parser is WebAssembly; the sender's client is
// not, straight or through a proxy. Here every way to build WebAssembly is made to throw, and counted.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { createEventTransport } from "../src/transport/create-transport.js";
import type { OutgoingRequest } from "../src/transport/types.js";
import { startForwardProxy, type ForwardProxy } from "./helpers/forward-proxy.js";

const OUT_OF_MEMORY = "WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance";
const request: OutgoingRequest = { path: "/event", contentType: "application/json", body: '{"identifier":"span"}', idempotencyKey: "k-1", spanCount: 1 };

let server: http.Server;
let url: string;
let proxy: ForwardProxy;
const bodies: string[] = [];
/** The global WebAssembly object (its values are not in this project's type libraries). */
type Builders = Record<"Instance" | "Module" | "instantiate" | "compile", unknown>;
const wasm = (globalThis as unknown as { WebAssembly: Builders }).WebAssembly;
const real: Builders = { Instance: wasm.Instance, Module: wasm.Module, instantiate: wasm.instantiate, compile: wasm.compile };
let asked = 0;

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
  proxy = await startForwardProxy();
});

afterAll(async () => {
  await proxy.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  bodies.length = 0;
  asked = 0;
  for (const name of Object.keys(real) as (keyof Builders)[]) {
    wasm[name] = function refused() {
      asked += 1;
      throw new RangeError(OUT_OF_MEMORY);
    };
  }
});

afterEach(() => {
  Object.assign(wasm, real);
});

describe("the transport stack where WebAssembly cannot be built", () => {
  it.each([
    { way: "straight to the backend", proxy: undefined, tunnelled: false },
    { way: "through a proxy (HTTP_PROXY)", proxy: () => ({ httpProxy: proxy.url }), tunnelled: true },
    { way: "with a proxy configured and NO_PROXY naming the backend", proxy: () => ({ httpProxy: proxy.url, noProxy: "127.0.0.1" }), tunnelled: false },
  ])("$way: delivers every request and never asks for WebAssembly", async ({ proxy: proxyOf, tunnelled }) => {
    const client = new AxonPushClient({ apiKey: "ak_test_key", baseUrl: url });
    const tunnelsBefore = proxy.tunnels.length;
    const transport = createEventTransport(client, { concurrency: 4, ...(proxyOf ? { proxy: proxyOf() } : {}) });
    try {
      const results = await Promise.all([1, 2, 3].map((n) => transport.send({ ...request, idempotencyKey: `k-${n}`, body: `{"n":${n}}` })));
      expect(results.map((result) => result.kind)).toEqual(["success", "success", "success"]);
      expect(bodies.sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      expect(asked).toBe(0);
      expect(proxy.tunnels.length > tunnelsBefore).toBe(tunnelled);
    } finally {
      transport.close();
    }
  });
});
