/**
 * Sends one prepared request over our own small HTTP/1.1 client: a pool of
 * keep-alive connections to the one origin we ever talk to, one request at a
 * time on each, answers read by a JavaScript parser (http1/answer-reader.ts).
 *
 * Through a proxy (the standard variables, http1/proxy-route.ts) each
 * connection is a CONNECT tunnel (http1/tunnel.ts) and carries requests the
 * same way.
 *
 * Why not undici: bench section 10 measured the sender's transport stack at
 * 48 µs of CPU per span-sized request through undici and 31 µs through this
 * client in the same run, and the events transport sends one request per
 * span. What undici does besides (any origin, any method, streams) the
 * sender does not need. This parser needs no WebAssembly either, so
 * `node --jitless` and a virtual memory limit leave it working, proxy or not.
 *
 * Never throws, never rejects: every outcome, including a request that
 * cannot be built, is a `SendResult`.
 */
import { parseBaseUrl, resultOfAnswer } from "./http-answer.js";
import { Connection, type Exchange, type ExchangeOutcome, type Route } from "./http1/connection.js";
import { proxyRouteFor, type ProxyOptions } from "./http1/proxy-route.js";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

export interface Http1TransportOptions {
  baseUrl: string;
  /**
   * The headers of every request with this content type and these extra headers (auth, Content-Type, …),
   * apart from the ones the transport sets itself: Idempotency-Key (the request's own), Host and the framing.
   */
  headersFor: (contentType: string, extraHeaders: Readonly<Record<string, string>> | undefined) => Record<string, string>;
  /** Longest silence of one try, from connecting to the answer's last byte. */
  timeoutMs: number;
  /** Parallel connections kept by the pool. */
  connections: number;
  /** The standard proxy variables (a CONNECT tunnel per connection, unless NO_PROXY names the backend). */
  proxy?: ProxyOptions;
}

/** A header name: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value: visible Latin-1 characters, spaces and tabs; no line breaks, no other control characters. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers the transport sets itself, whatever `headersFor` returns. */
const OURS_TO_SET = new Set(["content-length", "host", "connection", "transfer-encoding", "idempotency-key"]);

export class Http1Transport implements Transport {
  readonly #options: Http1TransportOptions;
  /** Where connections go, or why none can be opened. */
  readonly #route: Route | string;
  /** Request line's target prefix (the base URL's path) and the Host header. */
  readonly #pathPrefix: string;
  readonly #host: string;
  readonly #maxConnections: number;
  readonly #connections = new Set<Connection>();
  /** Free connections, the most recently used last (it is taken first: the others may time out and close). */
  readonly #idle: Connection[] = [];
  /**
   * Requests waiting for a connection, oldest first. The ones on a connection are its own (`release()`): not
   * in a Set of ours, whose churn of one add and one delete a request kept each request's objects alive past
   * the young generation's collections (a long-lived hash table's replaced backing store, old and unswept,
   * still points at them): bench FINDINGS, 2026-12-07 evening.
   */
  #waiting: Exchange[] = [];
  /**
   * The head up to the Idempotency-Key, by path then content type, for requests without extra headers (every
   * event): built and checked once, not per request (null: a header cannot be sent as it is). A handful of
   * keys at most: the paths and content types the exporter uses.
   */
  readonly #headStarts = new Map<string, Map<string, string | null>>();
  #closed = false;

  constructor(options: Http1TransportOptions) {
    this.#options = options;
    this.#maxConnections = Math.max(1, options.connections);
    const base = parseBaseUrl(options.baseUrl);
    this.#pathPrefix = base ? base.pathname.replace(/\/+$/, "") : "";
    this.#host = base?.host ?? "";
    this.#route = base ? routeTo(base, options.proxy) : "AXONPUSH_BASE_URL is not an http(s) URL";
  }

  send(request: OutgoingRequest): Promise<SendResult> {
    if (this.#closed) return Promise.resolve({ kind: "failure", message: "transport closed" });
    if (typeof this.#route === "string") return Promise.resolve({ kind: "failure", message: this.#route });
    const wire = this.#wireOf(request);
    if (wire === undefined) return Promise.resolve({ kind: "failure", message: "request could not be built: invalid header" });
    return new Promise<SendResult>((resolve) => {
      let freshTried = false;
      const exchange: Exchange = {
        wire,
        done: (outcome: ExchangeOutcome) => {
          // A kept-alive connection the server had closed while idle: once, straight on a fresh one (the request
          // is safe to send again: the same Idempotency-Key and dedupKey).
          if (outcome.kind === "broken" && outcome.stale && !freshTried && !this.#closed) {
            freshTried = true;
            this.#onFresh(exchange);
            return;
          }
          resolve(resultOf(outcome, this.#closed));
        },
      };
      try {
        this.#dispatch(exchange);
      } catch (error) {
        // Only options Node's net or tls refuse outright land here; the message never holds a header.
        exchange.done({ kind: "broken", message: `connection error: ${(error as NodeJS.ErrnoException).code ?? "invalid options"}`, stale: false });
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Anything still unanswered, waiting for a connection or on one, ends now.
    const unanswered = this.#waiting;
    this.#waiting = [];
    for (const connection of [...this.#connections]) {
      const exchange = connection.release();
      if (exchange) unanswered.push(exchange);
      connection.destroy();
    }
    for (const exchange of unanswered) exchange.done({ kind: "broken", message: "transport closed", stale: false });
  }

  /**
   * The request's bytes: its head (Latin-1) and a string body (UTF-8) in one buffer, written at once; a body
   * of bytes after its head. Undefined when a header cannot be sent as it is.
   */
  #wireOf(request: OutgoingRequest): readonly Uint8Array[] | undefined {
    const start = this.#headStartOf(request);
    if (start === null || !HEADER_VALUE.test(request.idempotencyKey)) return undefined;
    const { body } = request;
    const bodyBytes = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    const head = `${start}Idempotency-Key: ${request.idempotencyKey}\r\ncontent-length: ${bodyBytes}\r\n\r\n`;
    if (typeof body !== "string") return [Buffer.from(head, "latin1"), body];
    // One buffer, not `head + body`: writing that joined string made V8 copy it into a new one first, the
    // largest single allocation per event request (a small buffer like this one comes from Node's pool).
    const bytes = Buffer.allocUnsafe(head.length + bodyBytes);
    bytes.write(head, 0, "latin1");
    bytes.write(body, head.length, "utf8");
    return [bytes];
  }

  /** The request line and every header up to the Idempotency-Key, or null when a header cannot be sent as it is. */
  #headStartOf(request: OutgoingRequest): string | null {
    if (request.headers !== undefined) return this.#buildHeadStart(request.path, request.contentType, request.headers);
    let byContentType = this.#headStarts.get(request.path);
    if (byContentType === undefined) this.#headStarts.set(request.path, (byContentType = new Map()));
    let start = byContentType.get(request.contentType);
    if (start === undefined) {
      start = this.#buildHeadStart(request.path, request.contentType, undefined);
      byContentType.set(request.contentType, start);
    }
    return start;
  }

  #buildHeadStart(path: string, contentType: string, extraHeaders: Readonly<Record<string, string>> | undefined): string | null {
    let head = `POST ${this.#pathPrefix}${path} HTTP/1.1\r\nhost: ${this.#host}\r\n`;
    const headers = this.#options.headersFor(contentType, extraHeaders);
    for (const name in headers) {
      const value = headers[name]!;
      if (OURS_TO_SET.has(name.toLowerCase())) continue;
      if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return null;
      head += `${name}: ${value}\r\n`;
    }
    return head;
  }

  #dispatch(exchange: Exchange): void {
    const connection = this.#idle.pop() ?? (this.#connections.size < this.#maxConnections ? this.#open() : undefined);
    if (connection) connection.send(exchange);
    else this.#waiting.push(exchange);
  }

  /**
   * Sends again after the keep-alive race: on a new connection (the broken one has left the pool), or, when the
   * pool is full, ahead of every waiting request (it was sent before any of them).
   */
  #onFresh(exchange: Exchange): void {
    if (this.#connections.size < this.#maxConnections) this.#open().send(exchange);
    else this.#waiting.unshift(exchange);
  }

  #open(): Connection {
    const connection = new Connection(this.#route as Route, this.#options.timeoutMs, (free) => this.#whenFree(free), (gone) => this.#whenGone(gone));
    this.#connections.add(connection);
    return connection;
  }

  #whenFree(connection: Connection): void {
    const next = this.#waiting.shift();
    if (next) connection.send(next);
    else this.#idle.push(connection);
  }

  #whenGone(connection: Connection): void {
    this.#connections.delete(connection);
    const idleAt = this.#idle.indexOf(connection);
    if (idleAt >= 0) this.#idle.splice(idleAt, 1);
    // Room for another connection: the oldest waiting request takes it (unless a re-send took it meanwhile).
    if (!this.#closed && this.#waiting.length > 0) {
      queueMicrotask(() => {
        if (this.#closed || this.#waiting.length === 0 || this.#connections.size >= this.#maxConnections) return;
        this.#open().send(this.#waiting.shift()!);
      });
    }
  }
}

function routeTo(base: URL, proxy: ProxyOptions | undefined): Route | string {
  const endpoint = {
    tls: base.protocol === "https:",
    host: base.hostname.replace(/^\[|\]$/g, ""),
    port: Number(base.port) || (base.protocol === "https:" ? 443 : 80),
  };
  const route = proxyRouteFor(endpoint, proxy);
  if (route.kind === "invalid") return `${route.variable} is not an http(s) URL`;
  return route.kind === "proxy" ? { endpoint, proxy: route.hop } : { endpoint };
}

function resultOf(outcome: ExchangeOutcome, closed: boolean): SendResult {
  if (outcome.kind === "answer") return resultOfAnswer(outcome.answer.status, outcome.answer.body, outcome.answer.retryAfter);
  if (closed) return { kind: "failure", message: "transport closed" };
  // The server may or may not have stored the event; another try is safe either way (the same
  // Idempotency-Key for a server that replays on it, the same dedupKey for one that collapses on it).
  return { kind: "retryable", message: outcome.message };
}
