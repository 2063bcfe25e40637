/**
 * One keep-alive connection to the backend, carrying one request at a time
 * (no pipelining: an answer always belongs to the request on the wire).
 *
 * While a request is on the wire the socket holds the event loop, for at most
 * `timeoutMs` of silence; idle, it does not (`unref()`), and it closes itself
 * after `IDLE_SOCKET_TIMEOUT_MS`.
 */
import type net from "node:net";
import { IDLE_SOCKET_TIMEOUT_MS, MAX_RESPONSE_BYTES } from "../http-answer.js";
import { AnswerReader, type Answer } from "./answer-reader.js";
import type { ProxyHop } from "./proxy-route.js";
import { connectTo, openTunnel, type TunnelOutcome } from "./tunnel.js";

/** How one exchange ended: the answer, or why there is none (the connection is gone then). */
export type ExchangeOutcome =
  | { readonly kind: "answer"; readonly answer: Answer }
  | {
      readonly kind: "broken";
      readonly message: string;
      /**
       * The connection had carried an answer before and this request got no byte back: the server most
       * likely closed it while idle (the keep-alive race), and a fresh connection is worth trying at once.
       */
      readonly stale: boolean;
    };

export interface Exchange {
  /** The request's bytes, head and body, in the order they go out (written again as they are on a fresh connection). */
  readonly wire: readonly Uint8Array[];
  readonly done: (outcome: ExchangeOutcome) => void;
}

export interface Endpoint {
  readonly tls: boolean;
  /** Host name or address to connect to (no brackets around an IPv6 address). */
  readonly host: string;
  readonly port: number;
}

/** Where a connection goes: the backend, straight or through a proxy's CONNECT tunnel. */
export interface Route {
  readonly endpoint: Endpoint;
  readonly proxy?: ProxyHop;
}

export class Connection {
  /** The socket requests go over; undefined while a tunnel is being opened. */
  #socket: net.Socket | undefined;
  /** The socket to the proxy while the tunnel is being opened. */
  #opening: net.Socket | undefined;
  readonly #timeoutMs: number;
  readonly #whenFree: (connection: Connection) => void;
  readonly #whenGone: (connection: Connection) => void;
  #current: Exchange | undefined;
  #reader: AnswerReader | undefined;
  #answered = 0;
  #gone = false;

  constructor(route: Route, timeoutMs: number, whenFree: (connection: Connection) => void, whenGone: (connection: Connection) => void) {
    this.#timeoutMs = timeoutMs;
    this.#whenFree = whenFree;
    this.#whenGone = whenGone;
    if (route.proxy) this.#opening = openTunnel(route.proxy, route.endpoint, timeoutMs, (outcome) => this.#onTunnel(outcome));
    else this.#attach(connectTo(route.endpoint));
  }

  /** Sends one request; `exchange.done` is called exactly once. */
  send(exchange: Exchange): void {
    this.#current = exchange;
    this.#reader = new AnswerReader(MAX_RESPONSE_BYTES);
    // Through a proxy, the request goes out once the tunnel is open (the socket to the proxy holds the loop meanwhile).
    if (this.#socket) this.#write(exchange, this.#socket);
  }

  /**
   * The exchange this connection carries, which it gives up: it will not call its `done` (the transport
   * closing ends it itself).
   */
  release(): Exchange | undefined {
    const exchange = this.#current;
    this.#current = undefined;
    this.#reader = undefined;
    return exchange;
  }

  /** Ends the connection; an exchange on the wire ends as broken. */
  destroy(): void {
    this.#opening?.destroy();
    this.#socket?.destroy();
  }

  #attach(socket: net.Socket): void {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("end", () => this.#onEnd());
    socket.on("error", (error: NodeJS.ErrnoException) => this.#break(`connection error: ${error.code ?? error.message}`));
    // A silent server is not the keep-alive race: the try is over, and is not sent again at once.
    socket.on("timeout", () => this.#break(this.#current ? `timed out after ${this.#timeoutMs} ms` : "idle", false));
    socket.on("close", () => this.#break("connection closed before the answer"));
  }

  #onTunnel(outcome: TunnelOutcome): void {
    // Nothing else ends a connection while its tunnel opens: destroy() ends the socket to the proxy, which fails here.
    this.#opening = undefined;
    if (outcome.kind === "failed") {
      // Not the keep-alive race: nothing was sent to the backend on this connection.
      this.#break(outcome.message, false);
      return;
    }
    this.#attach(outcome.socket);
    if (this.#current) this.#write(this.#current, outcome.socket);
  }

  #write(exchange: Exchange, socket: net.Socket): void {
    socket.ref();
    // Silence for this long, from connecting to the answer's last byte, ends the try.
    socket.setTimeout(this.#timeoutMs);
    const { wire } = exchange;
    if (wire.length === 1) {
      socket.write(wire[0]!);
    } else {
      socket.cork();
      for (const chunk of wire) socket.write(chunk);
      socket.uncork();
    }
  }

  #onData(chunk: Buffer): void {
    const reader = this.#reader;
    if (!reader) {
      this.#break("unexpected bytes from the server");
      return;
    }
    const step = reader.push(chunk);
    if (step.kind === "more") return;
    if (step.kind === "malformed") this.#break(`invalid answer: ${step.message}`);
    else this.#finish(step.answer);
  }

  #onEnd(): void {
    const reader = this.#reader;
    if (reader) {
      const step = reader.end();
      if (step.kind === "answer") {
        this.#finish(step.answer);
        return;
      }
      this.#break(step.message);
    }
    this.#socket?.destroy();
  }

  #finish(answer: Answer): void {
    const exchange = this.#current!;
    this.#current = undefined;
    this.#reader = undefined;
    this.#answered += 1;
    const socket = this.#socket!;
    if (answer.reusable) {
      socket.setTimeout(IDLE_SOCKET_TIMEOUT_MS);
      socket.unref();
    } else {
      this.#gone = true;
      socket.destroy();
      this.#whenGone(this);
    }
    exchange.done({ kind: "answer", answer });
    if (answer.reusable) this.#whenFree(this);
  }

  /**
   * The connection cannot be used again; the exchange on it, if any, ends without an answer. `mayBeStale`: false
   * where the way it ended rules the keep-alive race out (a timeout).
   */
  #break(message: string, mayBeStale = true): void {
    const exchange = this.#current;
    const stale = mayBeStale && this.#answered > 0 && !(this.#reader?.started ?? false);
    this.#current = undefined;
    this.#reader = undefined;
    if (!this.#gone) {
      this.#gone = true;
      this.destroy();
      this.#whenGone(this);
    }
    exchange?.done({ kind: "broken", message, stale });
  }
}
