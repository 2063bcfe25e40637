/**
 * Sends one prepared request with undici (Node's own team's HTTP client,
 * bundled): a keep-alive pool per origin, or, when the standard proxy
 * variables are set, undici's EnvHttpProxyAgent, which honours
 * `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` as curl does. Chosen over
 * `node:http` by measurement (bench section 10): fewer instructions per
 * request, and the proxy support users behind an egress proxy need.
 *
 * Never throws, never rejects: every outcome, including a request that
 * cannot be built, is a `SendResult`. Each try is limited to `timeoutMs`
 * from the moment it is handed to the pool to the response's last byte.
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
import { classifyResponse, errorMessageFrom } from "./classify.js";
import { refusedPropertyNames } from "./property-refusal.js";
import { parseRetryAfter } from "./retry-after.js";
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

/** Idle pooled sockets are closed after this, well before typical load balancer idle limits. */
const IDLE_SOCKET_TIMEOUT_MS = 15_000;
/** Only the error message of an answer is read; a larger body is not ours to keep. */
const MAX_RESPONSE_BYTES = 16 * 1024;

export class UndiciTransport implements Transport {
  readonly #options: UndiciTransportOptions;
  readonly #base: URL | undefined;
  readonly #dispatcher: Dispatcher | undefined;
  #closed = false;

  constructor(options: UndiciTransportOptions) {
    this.#options = options;
    this.#base = parseBaseUrl(options.baseUrl);
    this.#dispatcher = this.#base ? createDispatcher(this.#base, options) : undefined;
  }

  async send(request: OutgoingRequest): Promise<SendResult> {
    if (this.#closed) return { kind: "failure", message: "transport closed" };
    const base = this.#base;
    const dispatcher = this.#dispatcher;
    if (!base || !dispatcher) return { kind: "failure", message: "AXONPUSH_BASE_URL is not an http(s) URL" };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#options.timeoutMs);
    // A request on the wire may hold a process open for its timeout at most; the timer itself never does.
    timer.unref();
    try {
      const response = await dispatcher.request({
        origin: base.origin,
        path: base.pathname.replace(/\/+$/, "") + request.path,
        method: "POST",
        headers: this.#options.headersFor(request),
        body: request.body,
        signal: abort.signal,
      });
      return await readResponse(response);
    } catch (error) {
      if (abort.signal.aborted) return { kind: "retryable", message: `timed out after ${this.#options.timeoutMs} ms` };
      return resultOfError(error, this.#closed);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Destroys in-flight requests too: they resolve as failures.
    this.#dispatcher?.destroy().catch(() => undefined);
  }
}

function createDispatcher(base: URL, options: UndiciTransportOptions): Dispatcher {
  const pool = { connections: Math.max(1, options.connections), keepAliveTimeout: IDLE_SOCKET_TIMEOUT_MS };
  const { httpProxy, httpsProxy, noProxy } = options.proxy ?? {};
  if (httpProxy || httpsProxy) {
    // Decides per request whether NO_PROXY exempts the host, as curl does.
    return new EnvHttpProxyAgent({ ...pool, httpProxy, httpsProxy, noProxy: noProxy ?? "" });
  }
  // One origin: a pool is all an agent would make, without the per-request lookup.
  return new Pool(base.origin, pool);
}

function parseBaseUrl(baseUrl: string): URL | undefined {
  try {
    const url = new URL(baseUrl);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

async function readResponse(response: Dispatcher.ResponseData): Promise<SendResult> {
  const status = response.statusCode;
  const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
  const ok = status >= 200 && status <= 299;
  // Raw bytes: a success answer may be binary (an OTLP protobuf response with partial success).
  const body = await readLimited(response.body);
  if (ok) return body.byteLength > 0 ? { kind: "success", status, body } : { kind: "success", status };
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  return classifyResponse(status, errorMessageFrom(status, text), retryAfterMs, refusedPropertyNames(status, text));
}

async function readLimited(body: Dispatcher.ResponseData["body"]): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
    size += chunk.length;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function resultOfError(error: unknown, closed: boolean): SendResult {
  const code = (error as { code?: string } | undefined)?.code;
  if (closed) return { kind: "failure", message: "transport closed" };
  // Only a request that cannot be built (a control character in a header, say) is not worth another try.
  // The message names the error's code, never header values, which include the API key.
  if (code === "UND_ERR_INVALID_ARG" || error instanceof TypeError) {
    return { kind: "failure", message: `request could not be built: ${code ?? "invalid request"}` };
  }
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  return { kind: "retryable", message: `connection error: ${cause ?? code ?? (error instanceof Error ? error.message : String(error))}` };
}
