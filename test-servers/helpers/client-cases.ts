/**
 * The tests every client of the tier gets, from a table of what it should
 * do: its fixture (fixtures/servers/<client>.cjs and .mjs) is run once
 * without the preload and once under `--import axonpush-otel/register`
 * against the strict local receiver, for each entry. The traced run must
 * print exactly what the plain one printed; each of its requests must carry
 * the client's spans (name, kind, status, attributes) below the request's
 * SERVER span; no span may hold the server's password; and no dns or net
 * span may stand alone as a trace of its own.
 */
import { describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../../src/receiver/index.js";
import { useSuiteReceiver } from "../../test/helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, TEST_API_KEY, TEST_TENANT } from "../../test/helpers/fixture-process.js";
import { expectSameBehaviour, runPlainAndTraced, runToEnd } from "../../test/helpers/run-to-end.js";
import { ancestorsOf } from "../../test/helpers/trace-assertions.js";
// @ts-expect-error -- a plain .mjs fixture script, no type declarations
import { prepareMajor } from "../../fixtures/majors/prepare.mjs";
import type { RunningServer } from "./running-server.js";

export interface ExpectedSpan {
  name: string | RegExp;
  kind: "CLIENT" | "PRODUCER" | "CONSUMER";
  status: "UNSET" | "ERROR";
  /** Checked as a subset; a RegExp matches the value, a function gives it from the running server. */
  attributes: Record<string, string | RegExp | ((server: RunningServer) => string)>;
  /** The span directly above: the request's SERVER span (the default), or another expected span of the same request, by name. */
  parent?: "request" | string;
}

export interface ClientCase {
  /** e.g. "ioredis 5". */
  client: string;
  /** `<fixture>.cjs` requires the client, `<fixture>.mjs` imports it. */
  fixture: string;
  /** An older major from fixtures/majors: `[alias, package name]`. */
  major?: [string, string];
  /** What the fixture answers on each path, without the preload. */
  answers: Record<string, string | RegExp>;
  /** What each request must have made, below its SERVER span. */
  spans: Record<string, ExpectedSpan[]>;
}

const ENTRIES = ["cjs", "mjs"] as const;
const DNS_NET = ["dns.lookup", "tcp.connect", "ipc.connect", "tls.connect"];

const matchesText = (pattern: string | RegExp, value: string | undefined) =>
  value !== undefined && (typeof pattern === "string" ? value === pattern : pattern.test(value));
const asMatcher = (pattern: string | RegExp) => (typeof pattern === "string" ? pattern : expect.stringMatching(pattern));

const requestSpan = (spans: ReceivedSpan[], path: string) =>
  spans.find((span) => span.kind === "SERVER" && span.scope?.name === "@opentelemetry/instrumentation-http" && span.attributes["url.path"] === path);

/** The spans below `request` that are `expected`, directly below what it names. */
function placed(spans: ReceivedSpan[], request: ReceivedSpan, expected: ExpectedSpan): ReceivedSpan[] {
  const below = spans.filter((span) => ancestorsOf(spans, span).some((a) => a.spanId === request.spanId));
  const parentName = expected.parent ?? "request";
  return below.filter((span) => {
    if (span.kind !== expected.kind || !matchesText(expected.name, span.name)) return false;
    const parent = spans.find((candidate) => candidate.spanId === span.parentSpanId);
    return parentName === "request" ? parent?.spanId === request.spanId : parent !== undefined && parent.name === parentName && below.includes(parent);
  });
}

function allPlaced(spans: ReceivedSpan[], expectations: Record<string, ExpectedSpan[]>): boolean {
  return Object.entries(expectations).every(([path, expected]) => {
    const request = requestSpan(spans, path);
    return request !== undefined && expected.every((want) => placed(spans, request, want).length > 0);
  });
}

/** `server()`: the file's running server (see use-server.ts). */
export function describeClients(cases: ClientCase[], server: () => RunningServer): void {
  const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

  describe.each(cases)("$client", (client) => {
    const env = (): Record<string, string> => {
      if (!client.major) return { SERVER_URL: server().url };
      prepareMajor(client.major[0], client.major[1]);
      return { SERVER_URL: server().url, CLIENT_MAJOR: client.major[0] };
    };

    it.each(ENTRIES)("answers as it means to without the preload (.%s)", async (entry) => {
      const plain = await runToEnd(`${client.fixture}.${entry}`, { env: env() });
      expect(plain.stderr).toBe("");
      expect([plain.code, plain.result]).toEqual([0, Object.fromEntries(Object.entries(client.answers).map(([path, answer]) => [path, asMatcher(answer)]))]);
    });

    it.each(ENTRIES)("under --import (.%s): the same output, its spans below each request, no password, no dns/net trace of its own", async (entry) => {
      const { plain, traced } = await runPlainAndTraced(`${client.fixture}.${entry}`, "--import", axonpushEnv(receiver.url), env());
      expectSameBehaviour(traced, plain);

      // The process flushed at its natural end; what it made has arrived or soon will.
      const spans = await receiver.waitForSpans((all) => allPlaced(all, client.spans), 15_000).catch(() => receiver.spans());
      for (const [path, expected] of Object.entries(client.spans)) {
        const request = requestSpan(spans, path);
        expect(request, `the SERVER span of GET ${path}`).toBeDefined();
        for (const want of expected) {
          const found = placed(spans, request!, want);
          expect(found.length, `${want.kind} ${want.name} below ${want.parent ?? "the request"} of GET ${path}`).toBeGreaterThan(0);
          const attributes = Object.fromEntries(
            Object.entries(want.attributes).map(([key, value]) => [key, asMatcher(typeof value === "function" ? value(server()) : value)]),
          );
          expect(found.some((span) => span.status === want.status), `${want.name} of GET ${path} has status ${want.status}`).toBe(true);
          expect(found.find((span) => span.status === want.status)!.attributes).toMatchObject(attributes);
        }
      }

      const { password } = server();
      if (password) expect(JSON.stringify(spans).includes(password), "the server's password in a span").toBe(false);
      expect(spans.filter((span) => !span.parentSpanId && DNS_NET.includes(span.name)).map((span) => span.name)).toEqual([]);
      expect(receiver.rejections).toEqual([]);
    });
  });
}

/** `server.address` and `server.port` of a client span: the tier's server, on 127.0.0.1. */
export const AT_THE_SERVER = {
  "server.address": "127.0.0.1",
  "server.port": (server: RunningServer) => String(server.port),
} as const;
