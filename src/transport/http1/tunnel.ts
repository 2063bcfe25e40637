/**
 * A CONNECT tunnel through a proxy to the backend, for http:// and https://
 * backends alike (what undici's proxy agent opened before this client took the
 * proxy path over): connect to the proxy (TLS for an https:// proxy), ask
 * `CONNECT host:port`, and on a 2xx answer hand the socket over, wrapped in
 * TLS to the backend when the backend is https://. Requests then go through
 * the tunnel exactly as on a direct connection.
 *
 * Messages name the proxy's answer, never the proxy's URL (it may hold a
 * password) nor the `Proxy-Authorization` header.
 */
import net from "node:net";
import tls from "node:tls";
import type { Endpoint } from "./connection.js";
import type { ProxyHop } from "./proxy-route.js";

export type TunnelOutcome = { readonly kind: "open"; readonly socket: net.Socket } | { readonly kind: "failed"; readonly message: string };

/** A proxy's answer to CONNECT is a head only; anything longer is not one. */
const MAX_CONNECT_ANSWER_BYTES = 16 * 1024;
const REFUSAL_HINTS: Readonly<Record<number, string>> = {
  407: " (proxy authentication required)",
  502: " (the proxy could not reach the backend)",
  504: " (the proxy could not reach the backend)",
};
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: |\r\n)/;

/** A TCP (or TLS) connection to `endpoint`, with SNI for a name and HTTP/1.1 offered over ALPN. */
export function connectTo(endpoint: Endpoint, over?: net.Socket): net.Socket {
  const { host, port } = endpoint;
  if (!endpoint.tls) return over ?? net.connect({ host, port });
  const servername = net.isIP(host) ? undefined : host;
  return over ? tls.connect({ socket: over, servername, ALPNProtocols: ["http/1.1"] }) : tls.connect({ host, port, servername, ALPNProtocols: ["http/1.1"] });
}

/**
 * Opens the tunnel; `done` is called exactly once, unless the returned socket (the one to the proxy) is destroyed
 * first. `timeoutMs` bounds the silence until the proxy answers.
 */
export function openTunnel(hop: ProxyHop, target: Endpoint, timeoutMs: number, done: (outcome: TunnelOutcome) => void): net.Socket {
  const socket = connectTo(hop);
  socket.setNoDelay(true);
  socket.setTimeout(timeoutMs);
  let received: Buffer = Buffer.alloc(0);
  let settled = false;
  const authority = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;

  const settle = (outcome: TunnelOutcome): void => {
    if (settled) return;
    settled = true;
    socket.off("data", onData).off("error", onError).off("timeout", onTimeout).off("end", onEnd).off("close", onEnd);
    socket.setTimeout(0);
    if (outcome.kind === "failed") socket.destroy();
    done(outcome);
  };
  const onData = (chunk: Buffer): void => {
    received = received.byteLength === 0 ? chunk : Buffer.concat([received, chunk]);
    const headEnd = received.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      if (received.byteLength > MAX_CONNECT_ANSWER_BYTES) settle({ kind: "failed", message: "proxy: invalid answer to CONNECT" });
      return;
    }
    const status = STATUS_LINE.exec(received.toString("latin1", 0, Math.min(headEnd + 2, 64)));
    if (!status) {
      settle({ kind: "failed", message: "proxy: invalid answer to CONNECT" });
      return;
    }
    const code = Number(status[1]);
    if (code < 200 || code > 299) {
      settle({ kind: "failed", message: `proxy refused the tunnel: ${code}${REFUSAL_HINTS[code] ?? ""}` });
      return;
    }
    // Neither an HTTP server nor a TLS server speaks first: bytes past the answer are not the backend's.
    if (received.byteLength > headEnd + 4) {
      settle({ kind: "failed", message: "proxy: unexpected bytes after the tunnel opened" });
      return;
    }
    settle({ kind: "open", socket: target.tls ? wrapInTls(socket, target) : socket });
  };
  const onError = (error: NodeJS.ErrnoException): void => settle({ kind: "failed", message: `proxy connection error: ${error.code ?? error.message}` });
  const onTimeout = (): void => settle({ kind: "failed", message: `proxy timed out after ${timeoutMs} ms` });
  const onEnd = (): void => settle({ kind: "failed", message: "proxy closed the connection before the tunnel opened" });
  socket.on("data", onData).on("error", onError).on("timeout", onTimeout).on("end", onEnd).on("close", onEnd);

  let head = `CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n`;
  if (hop.authorization) head += `proxy-authorization: ${hop.authorization}\r\n`;
  socket.write(`${head}\r\n`, "latin1");
  return socket;
}

/** TLS to the backend inside the tunnel; a failure of the socket under it ends the TLS socket with it. */
function wrapInTls(tunnel: net.Socket, target: Endpoint): net.Socket {
  const secure = connectTo(target, tunnel);
  tunnel.on("error", (error) => secure.destroy(error));
  tunnel.on("close", () => secure.destroy());
  return secure;
}
