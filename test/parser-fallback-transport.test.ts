// Where undici's WebAssembly parser cannot run, requests go through node:http instead, starting with the one
// that found out: stand-ins for both clients here; the real undici failing in test/undici-parser-unavailable.test.ts,
// and a real process under `node --jitless` in test/e2e-sender-thread.test.ts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { ParserFallbackTransport, type ParserDependentTransport } from "../src/transport/parser-fallback-transport.js";
import type { OutgoingRequest, SendResult, Transport } from "../src/transport/types.js";

const request = (key: string): OutgoingRequest => ({ path: "/event", contentType: "application/json", body: "{}", idempotencyKey: key, spanCount: 1 });
const OUT_OF_MEMORY = "WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance";

/** An undici stand-in: answers with `answer` until `breakAfter` sends, then says its parser is gone and fails. */
function undiciStandIn(breakAfter = Infinity) {
  const sent: string[] = [];
  let parserUnavailable: string | undefined;
  const closed = vi.fn();
  const transport: ParserDependentTransport = {
    get parserUnavailable() {
      return parserUnavailable;
    },
    async send(req): Promise<SendResult> {
      sent.push(req.idempotencyKey);
      if (sent.length > breakAfter) {
        parserUnavailable = OUT_OF_MEMORY;
        return { kind: "retryable", message: `connection error: ${OUT_OF_MEMORY}` };
      }
      return { kind: "success", status: 200 };
    },
    close: closed,
  };
  return { transport, sent, closed };
}

function nodeHttpStandIn() {
  const sent: string[] = [];
  const made = vi.fn();
  const closed = vi.fn();
  const make = (): Transport => {
    made();
    return {
      async send(req) {
        sent.push(req.idempotencyKey);
        return { kind: "success", status: 201 };
      },
      close: closed,
    };
  };
  return { make, sent, made, closed };
}

afterEach(() => diag.disable());

describe("ParserFallbackTransport", () => {
  it("sends through undici while its parser works, and never makes the other client", async () => {
    const undici = undiciStandIn();
    const nodeHttp = nodeHttpStandIn();
    const transport = new ParserFallbackTransport(undici.transport, nodeHttp.make, { proxyConfigured: false, webAssembly: true });
    expect(await transport.send(request("a"))).toEqual({ kind: "success", status: 200 });
    expect(await transport.send(request("b"))).toEqual({ kind: "success", status: 200 });
    expect(undici.sent).toEqual(["a", "b"]);
    expect(nodeHttp.made).not.toHaveBeenCalled();
  });

  it("once undici says its parser cannot run: resends that request through node:http, and every later one, for good", async () => {
    const undici = undiciStandIn(1);
    const nodeHttp = nodeHttpStandIn();
    const transport = new ParserFallbackTransport(undici.transport, nodeHttp.make, { proxyConfigured: false, webAssembly: true });
    expect(await transport.send(request("a"))).toEqual({ kind: "success", status: 200 });
    expect(await transport.send(request("b"))).toEqual({ kind: "success", status: 201 });
    expect(await transport.send(request("c"))).toEqual({ kind: "success", status: 201 });
    expect(undici.sent).toEqual(["a", "b"]);
    expect(nodeHttp.sent).toEqual(["b", "c"]);
    expect(nodeHttp.made).toHaveBeenCalledTimes(1);
    expect(undici.closed).toHaveBeenCalled();
  });

  it("every request in flight when the parser failed is resent, through one node:http client", async () => {
    const undici = undiciStandIn(0);
    const nodeHttp = nodeHttpStandIn();
    const transport = new ParserFallbackTransport(undici.transport, nodeHttp.make, { proxyConfigured: false, webAssembly: true });
    const results = await Promise.all(["a", "b", "c", "d"].map((key) => transport.send(request(key))));
    expect(results.every((result) => result.kind === "success")).toBe(true);
    expect(nodeHttp.sent.sort()).toEqual(["a", "b", "c", "d"]);
    expect(nodeHttp.made).toHaveBeenCalledTimes(1);
  });

  it("where WebAssembly is missing from the start, node:http is used at once and undici never tried", async () => {
    const undici = undiciStandIn();
    const nodeHttp = nodeHttpStandIn();
    const transport = new ParserFallbackTransport(undici.transport, nodeHttp.make, { proxyConfigured: false, webAssembly: false });
    expect(await transport.send(request("a"))).toEqual({ kind: "success", status: 201 });
    expect(undici.sent).toEqual([]);
    expect(nodeHttp.sent).toEqual(["a"]);
  });

  it("a failure that is not about the parser stays undici's answer", async () => {
    const nodeHttp = nodeHttpStandIn();
    const refused: ParserDependentTransport = {
      parserUnavailable: undefined,
      send: async () => ({ kind: "retryable", message: "connection error: ECONNREFUSED" }),
      close: () => undefined,
    };
    const transport = new ParserFallbackTransport(refused, nodeHttp.make, { proxyConfigured: false, webAssembly: true });
    expect(await transport.send(request("a"))).toEqual({ kind: "retryable", message: "connection error: ECONNREFUSED" });
    expect(nodeHttp.made).not.toHaveBeenCalled();
  });

  it("says the switch in one debug line, naming the proxy variables it cannot use when they are set", async () => {
    const lines: string[] = [];
    diag.setLogger({ debug: (...words: unknown[]) => lines.push(words.join(" ")), info: () => undefined, warn: () => undefined, error: () => undefined, verbose: () => undefined }, DiagLogLevel.DEBUG);
    const transport = new ParserFallbackTransport(undiciStandIn(0).transport, nodeHttpStandIn().make, { proxyConfigured: true, webAssembly: true });
    await Promise.all([transport.send(request("a")), transport.send(request("b"))]);
    const said = lines.filter((line) => line.includes("node:http"));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(OUT_OF_MEMORY);
    expect(said[0]).toContain("HTTPS_PROXY");
  });

  it("close() closes both clients", async () => {
    const undici = undiciStandIn(0);
    const nodeHttp = nodeHttpStandIn();
    const transport = new ParserFallbackTransport(undici.transport, nodeHttp.make, { proxyConfigured: false, webAssembly: true });
    await transport.send(request("a"));
    transport.close();
    expect(undici.closed).toHaveBeenCalled();
    expect(nodeHttp.closed).toHaveBeenCalled();
  });
});
