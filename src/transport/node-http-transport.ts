/**
 * Sends one prepared request with `node:http` / `node:https` over a
 * keep-alive agent: the client used where undici cannot run. undici parses
 * HTTP with WebAssembly, which `node --jitless` turns off and which a virtual
 * memory limit (`ulimit -v`, as shared hosts set) refuses to reserve room
 * for (nodejs/node#56596); Node's own parser is built in. It costs more CPU
 * per request than undici (bench section 10) and does not go through the
 * proxy variables (see parser-fallback-transport.ts).
 *
 * Never throws, never rejects: every outcome, including a request that cannot
 * be built, is a `SendResult`. Idle pooled sockets do not hold the event loop
 * (Node's agent `unref()`s a socket when it returns to the pool), and the
 * per-request timer is `unref()`ed too; only a request actually on the wire
 * keeps the process alive, for at most `timeoutMs`.
 */
import http from "node:http";
import https from "node:https";
import { IDLE_SOCKET_TIMEOUT_MS, MAX_RESPONSE_BYTES, parseBaseUrl, resultOfAnswer } from "./http-answer.js";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

export interface NodeHttpTransportOptions {
  baseUrl: string;
  /** Every header of one request (auth, content type, idempotency key, …). */
  headersFor: (request: OutgoingRequest) => Record<string, string>;
  /** Whole-request limit for one try, from connect to the response's last byte. */
  timeoutMs: number;
  /** Parallel connections kept by the pool. */
  connections: number;
}

export class NodeHttpTransport implements Transport {
  readonly #options: NodeHttpTransportOptions;
  readonly #base: URL | undefined;
  readonly #agent: http.Agent;
  readonly #inFlight = new Set<http.ClientRequest>();
  #closed = false;

  constructor(options: NodeHttpTransportOptions) {
    this.#options = options;
    this.#base = parseBaseUrl(options.baseUrl);
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: Math.max(1, options.connections),
      maxFreeSockets: Math.max(1, options.connections),
      timeout: IDLE_SOCKET_TIMEOUT_MS,
      scheduling: "lifo",
    };
    this.#agent = this.#base?.protocol === "https:" ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  send(request: OutgoingRequest): Promise<SendResult> {
    if (this.#closed) return Promise.resolve({ kind: "failure", message: "transport closed" });
    const base = this.#base;
    if (!base) {
      return Promise.resolve({ kind: "failure", message: "AXONPUSH_BASE_URL is not an http(s) URL" });
    }
    return new Promise<SendResult>((resolve) => {
      let req: http.ClientRequest | undefined;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (result: SendResult): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (req) this.#inFlight.delete(req);
        resolve(result);
      };

      try {
        const url = new URL(base.href.replace(/\/+$/, "") + request.path);
        const body = typeof request.body === "string" ? Buffer.from(request.body, "utf8") : request.body;
        const lib = url.protocol === "https:" ? https : http;
        req = lib.request(url, {
          method: "POST",
          agent: this.#agent,
          headers: { ...this.#options.headersFor(request), "Content-Length": String(body.byteLength) },
        });
        this.#inFlight.add(req);
        const current = req;
        req.on("response", (res) => readResponse(res, finish));
        req.on("error", (error: NodeJS.ErrnoException) => {
          finish({ kind: "retryable", message: `connection error: ${error.code ?? error.message}` });
        });
        timer = setTimeout(() => {
          finish({ kind: "retryable", message: `timed out after ${this.#options.timeoutMs} ms` });
          current.destroy();
        }, this.#options.timeoutMs);
        timer.unref();
        req.end(body);
      } catch (error) {
        // Only a request that cannot be built lands here (e.g. a control character in a header).
        // The message names the error's code, never header values, which include the API key.
        const code = (error as NodeJS.ErrnoException)?.code ?? "invalid request";
        req?.destroy();
        finish({ kind: "failure", message: `request could not be built: ${code}` });
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const req of this.#inFlight) req.destroy();
    this.#inFlight.clear();
    this.#agent.destroy();
  }
}

function readResponse(res: http.IncomingMessage, finish: (result: SendResult) => void): void {
  const status = res.statusCode ?? 0;
  // Raw bytes: a success answer may be binary (an OTLP protobuf response with partial success).
  const chunks: Buffer[] = [];
  let size = 0;
  res.on("data", (chunk: Buffer) => {
    if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
    size += chunk.length;
  });
  res.on("end", () => finish(resultOfAnswer(status, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res.headers["retry-after"])));
  // Premature close: the server may or may not have stored the event; a retry is safe either
  // way (the same Idempotency-Key for a server that replays on it, the same dedupKey in the
  // body for one that collapses on it).
  res.on("close", () => {
    if (!res.complete) finish({ kind: "retryable", status, message: `connection closed mid-response (HTTP ${status})` });
  });
  res.on("error", () => {
    finish({ kind: "retryable", status, message: `connection closed mid-response (HTTP ${status})` });
  });
}
