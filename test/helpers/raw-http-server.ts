// A raw HTTP/1.1 server for the tests of our own client: it parses requests itself (head and a
// Content-Length body, several per connection) and answers with exactly the bytes a test writes,
// so framing, keep-alive and misbehaviour are under the test's control.
import { once } from "node:events";
import net, { type AddressInfo } from "node:net";

export interface RawRequest {
  /** The head as received (Latin-1 decoding: one character per byte). */
  readonly head: string;
  readonly headBytes: Buffer;
  readonly body: Buffer;
  /** Which connection (1, 2, …) and which request on it (1, 2, …). */
  readonly connection: number;
  readonly onConnection: number;
}

export interface RawServer {
  readonly port: number;
  readonly url: string;
  readonly requests: RawRequest[];
  readonly connections: number;
}

export async function listen(server: net.Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** Adds to `cleanups` what ends the server's open connections and closes it. */
export function closeAtCleanup(server: net.Server, sockets: Set<net.Socket>, cleanups: (() => unknown)[]): void {
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
}

/** `cleanups` gets what closes the server and its connections. */
export async function startRawServer(handler: (socket: net.Socket, request: RawRequest) => void, cleanups: (() => unknown)[]): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<net.Socket>();
  const stats = { connections: 0 };
  const server = net.createServer((socket) => {
    const connection = ++stats.connections;
    let onConnection = 0;
    let buffered = Buffer.alloc(0);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const headBytes = buffered.subarray(0, end + 4);
        const head = headBytes.toString("latin1");
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = { head, headBytes, body: buffered.subarray(end + 4, end + 4 + length), connection, onConnection: ++onConnection };
        buffered = buffered.subarray(end + 4 + length);
        requests.push(request);
        handler(socket, request);
      }
    });
  });
  const port = await listen(server);
  closeAtCleanup(server, sockets, cleanups);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return stats.connections;
    },
  };
}

export const keyOf = (request: RawRequest) => /\r\nidempotency-key: ([^\r]*)/i.exec(request.head)?.[1];

export const answer = (body = '{"id":"e1"}', status = "201 Created") =>
  `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
