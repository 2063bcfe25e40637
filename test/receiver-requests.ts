// Requests the receiver tests send by hand: real HTTP on fresh connections,
// the headers each API version wants, a valid app.span event, and the
// server's own words out of either error shape.
import { request as httpRequest, type Agent } from "node:http";
import { expect } from "vitest";
import type { AxonPushApiVersion } from "../src/receiver/index.js";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, any>;
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
  agent?: Agent;
}

export const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
export const ROOT = "00f067aa0ba902b7";
export const CHILD = "1111111111111111";
export const KEY = "ak_test";
export const TENANT = "tenant_1";

/** What the SDKs send to each version: nest wants X-API-Key and the tenant, go reads x-axonpush-api-key. */
export function headersFor(api: AxonPushApiVersion, extra: Record<string, string> = {}): Record<string, string> {
  const auth: Record<string, string> =
    api === "nest" ? { "x-api-key": KEY, "x-tenant-id": TENANT } : { "x-axonpush-api-key": KEY, "x-api-key": KEY };
  return { ...auth, "content-type": "application/json", ...extra };
}

/** One real HTTP request on a fresh connection (unless an agent is given). */
export function send(url: string, options: SendOptions): Promise<Answer> {
  const text = options.raw ?? (options.body === undefined ? "" : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${options.path ?? "/event"}`,
      { method: options.method ?? "POST", headers: options.headers, agent: options.agent ?? false },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (data += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data ? JSON.parse(data) : {} }));
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

/** A child span event with only the properties every version declares. */
export function spanEvent(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    identifier: "GET /users",
    eventType: "app.span",
    channel_id: "ch_1",
    traceId: TRACE,
    spanId: CHILD,
    parentSpanId: ROOT,
    metadata: { framework: "opentelemetry" },
    payload: {
      name: "GET /users",
      kind: "SERVER",
      status: "OK",
      attributes: { "http.method": "GET", "http.status_code": "200" },
      startTimeUnixNano: "1700000000000000000",
      endTimeUnixNano: "1700000000012000000",
      resource: { "service.name": "api", "service.version": "1.0.0", "deployment.environment": "test" },
      traceId: TRACE,
      spanId: CHILD,
      parentSpanId: ROOT,
      events: [{ name: "cache.miss", timeUnixNano: "1700000000001000000", attributes: { key: "u1" } }],
      links: [],
      scope: { name: "@opentelemetry/instrumentation-http", version: "0.223.0" },
      ...payload,
    },
    ...overrides,
  };
}

export const RECORD = "2222222222222222";

/** An app.log event written inside the CHILD span, as our exporter builds it (the SDKs' payload). */
export function logEvent(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    identifier: "api",
    eventType: "app.log",
    channel_id: "ch_1",
    traceId: TRACE,
    spanId: RECORD,
    parentSpanId: CHILD,
    metadata: { framework: "pino", "axonpush.parent_event_id": CHILD },
    payload: {
      severityNumber: 9,
      severityText: "info",
      body: "user 42 loaded",
      timeUnixNano: "1700000000005000000",
      attributes: { "user.id": "42" },
      resource: { "service.name": "api", "service.version": "1.0.0", "deployment.environment": "test" },
      ...payload,
    },
    ...overrides,
  };
}

/** The server's words, as a client reads them: nest `message`, go `detail` and the first `errors[]` entry. */
export function problemWords(body: Record<string, any>): string {
  if (typeof body.message === "string") return body.message;
  const first = body.errors?.[0];
  return first ? `${body.detail}: ${first.location} ${first.message}` : String(body.detail);
}

/** The exact error shape of a version, for `toEqual`. */
export function errorShape(api: AxonPushApiVersion, answer: Answer, path = "/event"): Record<string, unknown> {
  if (api === "nest") {
    const shape: Record<string, unknown> = { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) };
    if (answer.body.hint !== undefined) shape.hint = expect.any(String);
    return shape;
  }
  expect(answer.headers["content-type"]).toBe("application/problem+json");
  const shape: Record<string, unknown> = {
    type: "about:blank",
    title: expect.any(String),
    status: answer.status,
    detail: expect.any(String),
    instance: path,
  };
  if (answer.body.errors !== undefined) {
    shape.errors = [expect.objectContaining({ location: expect.stringMatching(/^body/), message: expect.any(String) })];
  }
  return shape;
}
