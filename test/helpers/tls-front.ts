// HTTPS in front of the local receiver, with a certificate from a throwaway CA
// (made with openssl, Debian's), for the TLS tests: the CA file is what
// NODE_EXTRA_CA_CERTS points at.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TlsFront {
  /** `https://localhost:<port>` */
  readonly url: string;
  /** The CA that signed the front's certificate (PEM file). */
  readonly caFile: string;
  close(): Promise<void>;
}

function makeCertificates(dir: string): { key: Buffer; cert: Buffer; caFile: string } {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=axonpush-otel test CA", "-keyout", "ca.key", "-out", "ca.pem");
  run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem");
  return { key: readFileSync(join(dir, "server.key")), cert: readFileSync(join(dir, "server.pem")), caFile: join(dir, "ca.pem") };
}

/** Terminates TLS and forwards every request to `targetUrl` (the plain-HTTP receiver). */
export async function startTlsFront(targetUrl: string): Promise<TlsFront> {
  const dir = mkdtempSync(join(tmpdir(), "axonpush-tls-"));
  const { key, cert, caFile } = makeCertificates(dir);
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const server = https.createServer({ key, cert }, (req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => undefined);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    caFile,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      );
    },
  };
}
