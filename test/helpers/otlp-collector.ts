/**
 * A minimal OTLP/HTTP JSON collector for one test file, standing in for the collector OTEL_METRICS_EXPORTER or
 * OTEL_LOGS_EXPORTER sends to beside AxonPush: every request's body kept by path, each answered 200 `{}`. Started
 * before the file's tests, emptied after each test, closed at the end.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll } from "vitest";

export interface OtlpCollector {
  /** `http://127.0.0.1:<port>`: append `/v1/metrics` or `/v1/logs`. */
  readonly url: string;
  /** The bodies received on `path` since the test began. */
  bodies(path: string): string[];
}

export function useOtlpCollector(): OtlpCollector {
  const received: { path: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
  afterEach(() => {
    received.length = 0;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    get url() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    bodies: (path) => received.filter((request) => request.path === path).map((request) => request.body),
  };
}
