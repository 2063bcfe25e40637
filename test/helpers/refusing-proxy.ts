/**
 * Stands in front of a local receiver as a go-style API version to come
 * that does not declare some body properties: a `POST /event` whose JSON body
 * has one of them is refused the way the current API refuses an undeclared
 * property (422 `application/problem+json`, `errors[].location: body.<name>`,
 * `unexpected property`); everything else is passed on unchanged. Listens on
 * 127.0.0.1, on a port the OS picks.
 */
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dialectFor } from "../../src/receiver/api-versions.js";
import { renderProblem } from "../../src/receiver/problem-body.js";
import { atUnusedUrl } from "./unused-url.js";

export interface RefusingProxy {
  readonly url: string;
  /** Requests refused so far. */
  readonly refused: number;
  close(): Promise<void>;
}

export function startRefusingProxy(targetUrl: string, undeclared: readonly string[]): Promise<RefusingProxy> {
  return atUnusedUrl(() => startOne(targetUrl, undeclared));
}

async function startOne(targetUrl: string, undeclared: readonly string[]): Promise<RefusingProxy> {
  const target = new URL(targetUrl);
  let refused = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const names = req.url === "/event" ? undeclaredIn(body, undeclared) : [];
      if (names.length > 0) {
        refused += 1;
        // Rendered as the receiver's go version renders its own refusals.
        const problem = renderProblem(dialectFor("go"), 422, {
          code: "validation_failed",
          message: "validation failed",
          errors: names.map((name) => ({ location: `body.${name}`, message: "unexpected property" })),
        }, "/event");
        res.writeHead(422, { "content-type": problem.contentType }).end(JSON.stringify(problem.body));
        return;
      }
      const forward = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      forward.end(body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function undeclaredIn(body: Buffer, undeclared: readonly string[]): string[] {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    return undeclared.filter((name) => Object.hasOwn(parsed, name));
  } catch {
    return [];
  }
}
