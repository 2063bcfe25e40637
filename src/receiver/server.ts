/**
 * The HTTP side of the local receiver: 127.0.0.1 only, strict routing in the
 * imitated API version's dialect, injected failures, and a `close()` that
 * always finishes, even with hung requests or keep-alive sockets still open
 * (every socket is tracked and destroyed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dialectFor, type ApiDialect } from "./api-versions.js";
import { FailureQueue, injectedStatus } from "./failure-rules.js";
import { problemText, renderProblem } from "./problem-body.js";
import { errorReply, injectedReply, type Reply } from "./reply.js";
import { findRoute, routes } from "./routes.js";
import { ReceiverStore } from "./store.js";
import type {
  AxonPushApiVersion,
  FailureRule,
  LocalReceiver,
  LocalReceiverOptions,
  OtlpIngestMode,
  ReceivedEvent,
  ReceivedLog,
  ReceivedSpan,
  ReceivedTry,
  Rejection,
} from "./types.js";
import type { AuthExpectation } from "./validate-headers.js";

/** Larger bodies are refused with 413; a span event is a few kilobytes. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

class Receiver implements LocalReceiver {
  readonly url: string;
  readonly port: number;
  private readonly store: ReceiverStore;
  private readonly failures = new FailureQueue();
  private readonly sockets = new Set<Socket>();
  private mostSockets = 0;
  /** Requests held back by a `delayMs` rule: the timer that will answer each, and its socket. */
  private readonly delayed = new Map<NodeJS.Timeout, Socket>();
  private readonly received: ReceivedTry[] = [];
  private down = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    private readonly dialect: ApiDialect,
    private readonly auth: AuthExpectation,
    private readonly channels: ReadonlySet<string> | undefined,
    private readonly otlp: OtlpIngestMode,
    store: ReceiverStore,
  ) {
    this.store = store;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    server.on("connection", (socket) => this.onConnection(socket));
    server.on("request", (request, response) => this.onRequest(request, response));
  }

  get api(): AxonPushApiVersion {
    return this.dialect.version;
  }
  get events(): ReceivedEvent[] {
    return this.store.events;
  }
  get requestCount(): number {
    return this.received.length;
  }
  get tries(): readonly ReceivedTry[] {
    return this.received;
  }
  get rejections(): Rejection[] {
    return this.store.rejections;
  }
  get peakConnections(): number {
    return this.mostSockets;
  }
  spans(): ReceivedSpan[] {
    return this.store.spans();
  }
  waitForSpans(countOrPredicate: number | ((spans: ReceivedSpan[]) => boolean), timeoutMs?: number) {
    return this.store.waitForSpans(countOrPredicate, timeoutMs);
  }
  logs(): ReceivedLog[] {
    return this.store.logs();
  }
  waitForLogs(countOrPredicate: number | ((logs: ReceivedLog[]) => boolean), timeoutMs?: number) {
    return this.store.waitForLogs(countOrPredicate, timeoutMs);
  }
  failNext(rule: FailureRule): void {
    this.failures.add(rule);
  }
  setDown(down: boolean): void {
    this.down = down;
    if (down) this.destroyAllSockets();
  }
  reset(): void {
    this.store.clear();
    this.failures.clear();
    this.received.length = 0;
    // A request an earlier test's delay rule still holds would otherwise be stored into the next test's view.
    for (const [timer, socket] of this.delayed) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.delayed.clear();
    this.mostSockets = this.sockets.size;
    this.down = false;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.delayed.keys()) clearTimeout(timer);
      this.delayed.clear();
      this.server.close(() => resolve());
      this.destroyAllSockets();
    });
    return this.closing;
  }

  private destroyAllSockets(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private onConnection(socket: Socket): void {
    if (this.down || this.closing) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    this.mostSockets = Math.max(this.mostSockets, this.sockets.size);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => {}); // a client going away is not our error
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const key = request.headers["idempotency-key"];
    this.received.push({
      path: new URL(request.url ?? "/", this.url).pathname,
      ...(typeof key === "string" ? { idempotencyKey: key } : {}),
      at: Date.now(),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("error", () => {});
    request.on("end", () => {
      const rule = this.failures.take();
      const proceed = () => this.afterRule(rule, request, response, size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks));
      if (rule?.delayMs) this.later(rule.delayMs, request.socket, proceed);
      else proceed();
    });
  }

  private afterRule(rule: FailureRule | undefined, request: IncomingMessage, response: ServerResponse, body: Buffer | undefined): void {
    if (rule?.hang) return; // the socket stays open until close() destroys it
    if (rule?.destroy) {
      request.socket.destroy();
      return;
    }
    const status = rule ? injectedStatus(rule) : undefined;
    if (status !== undefined) {
      this.send(request, response, injectedReply(status, rule?.retryAfter));
      return;
    }
    const reply = this.route(request, body);
    if (rule?.storeThenDrop) {
      // Stored (when valid) but never answered: the client cannot know, and must not store it twice by retrying.
      this.record(reply);
      request.socket.destroy();
      return;
    }
    this.send(request, response, reply);
  }

  private route(request: IncomingMessage, body: Buffer | undefined): Reply {
    const method = request.method ?? "GET";
    const path = new URL(request.url ?? "/", this.url).pathname;
    const route = findRoute(method, path);
    if (!route) return errorReply(404, "not_found", `no route for ${method} ${path}`);
    if (body === undefined) return errorReply(413, "payload_too_large", `body exceeds ${MAX_BODY_BYTES} bytes`);
    const headers = lowerCaseHeaders(request);
    const { dialect, auth, channels, store, otlp } = this;
    return route.handle({ method, path, headers, body, store, auth, dialect, channels, otlp });
  }

  /** Records a contract refusal in `rejections`, in the server's own words. */
  private record(reply: Reply): void {
    if (reply.rejection !== undefined) this.store.reject({ status: reply.status, message: reply.rejection });
    else if (reply.rejected && reply.problem) {
      this.store.reject({ status: reply.status, message: problemText(this.dialect, reply.problem) });
    }
  }

  private send(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
    this.record(reply);
    if (response.destroyed || response.writableEnded) return;
    let contentType = "application/json; charset=utf-8";
    let content = reply.body;
    if (reply.problem) {
      const path = new URL(request.url ?? "/", this.url).pathname;
      const rendered = renderProblem(this.dialect, reply.status, reply.problem, path);
      contentType = rendered.contentType;
      content = rendered.body;
    }
    // Binary bodies (an OTLP protobuf response) go out as they are, with the route's content type.
    const binary = content instanceof Uint8Array;
    const payload = binary ? (content as Uint8Array) : JSON.stringify(content);
    response.writeHead(reply.status, {
      "content-type": binary ? "application/octet-stream" : contentType,
      ...reply.headers,
      "content-length": Buffer.byteLength(payload),
    });
    response.end(payload);
  }

  private later(delayMs: number, socket: Socket, run: () => void): void {
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      run();
    }, delayMs);
    timer.unref(); // an open client socket keeps the process alive, not this timer
    this.delayed.set(timer, socket);
  }
}

/** Starts a strict AxonPush-compatible receiver on 127.0.0.1 (port 0 = any free port). */
export async function startLocalReceiver(options: LocalReceiverOptions = {}): Promise<LocalReceiver> {
  const dialect = dialectFor(options.api);
  await Promise.all(routes.map((route) => route.prepare?.()));
  const server = createServer();
  // Longer than typical client pools keep idle sockets, so a reused socket is not cut under a request.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const auth: AuthExpectation = {};
  if (options.apiKey !== undefined) auth.apiKey = options.apiKey;
  if (options.tenantId !== undefined) auth.tenantId = options.tenantId;
  const channels = options.channels === undefined ? undefined : new Set(options.channels);
  return new Receiver(server, dialect, auth, channels, options.otlp ?? "any", new ReceiverStore(options));
}
