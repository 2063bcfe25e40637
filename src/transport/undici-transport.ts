/**
 * Sends one prepared request with undici (Node's own team's HTTP client,
 * bundled): a keep-alive pool per origin, or, when the standard proxy
 * variables are set, undici's EnvHttpProxyAgent, which honours
 * `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` as curl does. Chosen over
 * `node:http` by measurement (bench section 10): fewer instructions per
 * request, and the proxy support users behind an egress proxy need.
 *
 * Never throws, never rejects: every outcome, including a request that
 * cannot be built, is a `SendResult`. A try is bounded by `timeoutMs`
 * three ways, by undici itself: to connect, for the answer's headers once
 * the request is sent, and between two pieces of its body.
 */
import type { Dispatcher } from "undici";
// The two dispatchers we use, not undici's index: that loads fetch, WebSocket, the cache and the
// mocks too, most of the sender bundle's size and load time for nothing. What the index does
// besides, and dispatchers need (`request`, and the `connect` a proxy agent tunnels with), is
// give every dispatcher the API methods: done here, on our own bundled copy of undici.
import undiciApi from "undici/lib/api/index.js";
import DispatcherBase from "undici/lib/dispatcher/dispatcher.js";
import EnvHttpProxyAgent from "undici/lib/dispatcher/env-http-proxy-agent.js";
import Pool from "undici/lib/dispatcher/pool.js";

Object.assign(DispatcherBase.prototype, undiciApi);
import { IDLE_SOCKET_TIMEOUT_MS, MAX_RESPONSE_BYTES, parseBaseUrl, resultOfAnswer } from "./http-answer.js";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

/** The standard proxy variables' values (read on the app's thread, see sender/protocol.ts). */
export interface ProxyOptions {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy?: string;
}

export interface UndiciTransportOptions {
  baseUrl: string;
  /** Every header of one request (auth, content type, idempotency key, …). */
  headersFor: (request: OutgoingRequest) => Record<string, string>;
  /** Whole-request limit for one try. */
  timeoutMs: number;
  /** Parallel connections kept by the pool. */
  connections: number;
  proxy?: ProxyOptions;
}

export class UndiciTransport implements Transport {
  readonly #options: UndiciTransportOptions;
  readonly #base: URL | undefined;
  readonly #dispatcher: Dispatcher | undefined;
  #closed = false;
  #parserUnavailable: string | undefined;

  constructor(options: UndiciTransportOptions) {
    this.#options = options;
    this.#base = parseBaseUrl(options.baseUrl);
    this.#dispatcher = this.#base ? createDispatcher(this.#base, options) : undefined;
  }

  /**
   * Why undici's HTTP parser could not be set up, once a connection found out: it is WebAssembly, which
   * `node --jitless` turns off and a virtual memory limit (`ulimit -v`) can refuse (nodejs/node#56596).
   * Every request through this client then fails the same way (parser-fallback-transport.ts).
   */
  get parserUnavailable(): string | undefined {
    return this.#parserUnavailable;
  }

  send(request: OutgoingRequest): Promise<SendResult> {
    if (this.#closed) return Promise.resolve({ kind: "failure", message: "transport closed" });
    const base = this.#base;
    const dispatcher = this.#dispatcher;
    if (!base || !dispatcher) return Promise.resolve({ kind: "failure", message: "AXONPUSH_BASE_URL is not an http(s) URL" });
    return new Promise<SendResult>((resolve) => {
      const timeoutMs = this.#options.timeoutMs;
      const handler = new AnswerHandler(resolve, timeoutMs, () => this.#closed, (why) => (this.#parserUnavailable ??= why));
      try {
        // undici's own low-level call, with a handler: no response stream, no abort signal, no timer
        // of ours per request (undici's timeouts for the headers and between body chunks, and the
        // connect timeout, bound a try); measured, that was a third of the sender's CPU per request.
        dispatcher.dispatch(
          {
            origin: base.origin,
            path: base.pathname.replace(/\/+$/, "") + request.path,
            method: "POST",
            headers: this.#options.headersFor(request),
            body: request.body,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          },
          handler,
        );
      } catch (error) {
        handler.onResponseError(undefined, error as Error);
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Destroys in-flight requests too: they resolve as failures.
    this.#dispatcher?.destroy().catch(() => undefined);
  }
}

/** Turns one request's answer (or its failure) into a SendResult, exactly once. */
class AnswerHandler implements Dispatcher.DispatchHandler {
  #status = 0;
  #retryAfter: string | string[] | undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;

  constructor(
    private readonly resolve: (result: SendResult) => void,
    private readonly timeoutMs: number,
    private readonly closed: () => boolean,
    private readonly parserMissing: (why: string) => void,
  ) {}

  onRequestStart(): void {}

  onResponseStart(_controller: unknown, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.#status = statusCode;
    this.#retryAfter = headers["retry-after"];
  }

  onResponseData(_controller: unknown, chunk: Buffer): void {
    // Only the error message (or an OTLP partial success) of an answer is read; a larger body is not ours to keep.
    if (this.#size < MAX_RESPONSE_BYTES) this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.resolve(resultOfAnswer(this.#status, body, this.#retryAfter));
  }

  onResponseError(_controller: unknown, error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    const parserProblem = webAssemblyProblemOf(error);
    if (parserProblem) this.parserMissing(parserProblem);
    this.resolve(resultOfError(error, this.closed(), this.timeoutMs));
  }
}

function createDispatcher(base: URL, options: UndiciTransportOptions): Dispatcher {
  const pool = {
    connections: Math.max(1, options.connections),
    keepAliveTimeout: IDLE_SOCKET_TIMEOUT_MS,
    connect: { timeout: options.timeoutMs },
  };
  const { httpProxy, httpsProxy, noProxy } = options.proxy ?? {};
  if (httpProxy || httpsProxy) {
    // Decides per request whether NO_PROXY exempts the host, as curl does.
    return new EnvHttpProxyAgent({ ...pool, httpProxy, httpsProxy, noProxy: noProxy ?? "" });
  }
  // One origin: a pool is all an agent would make, without the per-request lookup.
  return new Pool(base.origin, pool);
}

/**
 * The words of an error that undici's WebAssembly parser could not be set up (`WebAssembly is not defined`
 * under --jitless; `WebAssembly.Instance(): Out of memory: …` under a virtual memory limit), else undefined.
 */
function webAssemblyProblemOf(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : undefined;
  return message !== undefined && /WebAssembly/.test(message) ? message : undefined;
}

function resultOfError(error: unknown, closed: boolean, timeoutMs: number): SendResult {
  const code = (error as { code?: string } | undefined)?.code;
  if (closed) return { kind: "failure", message: "transport closed" };
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return { kind: "retryable", message: `timed out after ${timeoutMs} ms` };
  }
  // Only a request that cannot be built (a control character in a header, say) is not worth another try.
  // The message names the error's code, never header values, which include the API key.
  if (code === "UND_ERR_INVALID_ARG" || error instanceof TypeError) {
    return { kind: "failure", message: `request could not be built: ${code ?? "invalid request"}` };
  }
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  return { kind: "retryable", message: `connection error: ${cause ?? code ?? (error instanceof Error ? error.message : String(error))}` };
}
