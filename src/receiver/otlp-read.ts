/**
 * Reading a decoded OTLP export request (OTLP/JSON shape, see
 * otlp-decode.ts), the parts both signals share: ids, times, scopes, lists.
 * A `SpanProblem` refuses one item (a span, a log record) on its own; a
 * plain Error refuses the whole request.
 */
import type { ReceivedSpan } from "./types.js";
import { isPlainObject } from "./validate-event.js";

export const HEX_TRACE_ID = /^[0-9a-f]{32}$/i;
export const HEX_SPAN_ID = /^[0-9a-f]{16}$/i;
const ALL_ZEROS = /^0+$/;

export class SpanProblem extends Error {}

export function fail(message: string): never {
  throw new SpanProblem(message);
}

export function list(value: unknown, field: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isPlainObject)) fail(`${field} must be a list of objects`);
  return value;
}

export function hexId(value: unknown, pattern: RegExp, field: string): string {
  if (typeof value !== "string" || !pattern.test(value) || ALL_ZEROS.test(value)) {
    fail(`${field} must be a non-zero ${pattern === HEX_TRACE_ID ? 16 : 8}-byte id (got ${JSON.stringify(value)})`);
  }
  return value.toLowerCase();
}

/** fixed64 nanoseconds: a decimal string (or a JSON number) → decimal string. */
export function unixNano(value: unknown, field: string): string {
  const text = typeof value === "number" && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== "string" || !/^\d+$/.test(text)) fail(`${field} must be a decimal time in nanoseconds`);
  return BigInt(text).toString();
}

export function readScope(raw: unknown): ReceivedSpan["scope"] {
  if (!isPlainObject(raw) || typeof raw.name !== "string") return undefined;
  return typeof raw.version === "string" && raw.version !== "" ? { name: raw.name, version: raw.version } : { name: raw.name };
}

export function outerList(value: unknown, field: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isPlainObject)) throw new Error(`${field} must be a list of objects`);
  return value;
}
