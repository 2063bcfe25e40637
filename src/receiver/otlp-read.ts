/**
 * Reading a decoded OTLP export request (OTLP/JSON shape, see
 * otlp-decode.ts), the parts both signals share: ids, times, scopes, lists.
 * A `SpanProblem` refuses one item (a span, a log record) on its own; a
 * plain Error refuses the whole request.
 */
import { keyValuesToStrings } from "./otlp-attributes.js";
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

/** The field names of one signal's nesting: `resourceSpans` / `scopeSpans` / `spans`, or the logs' ones. */
export interface OtlpNesting {
  readonly resources: string;
  readonly scopes: string;
  readonly items: string;
}

export interface ReadItems<T> {
  items: T[];
  rejected: number;
  /** The first rejection's reason, for the partial-success message. */
  firstProblem?: string;
}

/**
 * Walks resource → scope → item, reading each item with `read` (given its
 * resource as strings and its scope). An item that throws a SpanProblem is
 * rejected on its own and counted, as are all items of a resource without
 * `service.name` (the events ingest's rule too); a plain Error (the
 * request's outer shape) is thrown on.
 */
export function readOtlpItems<T>(
  request: Record<string, unknown>,
  nesting: OtlpNesting,
  read: (raw: Record<string, unknown>, resource: Record<string, string>, scope: ReceivedSpan["scope"]) => T,
): ReadItems<T> {
  const result: ReadItems<T> = { items: [], rejected: 0 };
  const reject = (count: number, where: string, problem: unknown): void => {
    if (!(problem instanceof SpanProblem)) throw problem;
    result.rejected += count;
    result.firstProblem ??= `${where}: ${problem.message}`;
  };
  outerList(request[nesting.resources], nesting.resources).forEach((resourceEntry, r) => {
    const at = `${nesting.resources}[${r}]`;
    const resource = keyValuesToStrings(isPlainObject(resourceEntry.resource) ? resourceEntry.resource.attributes : undefined);
    outerList(resourceEntry[nesting.scopes], `${at}.${nesting.scopes}`).forEach((scopeEntry, s) => {
      const items = outerList(scopeEntry[nesting.items], `${at}.${nesting.scopes}[${s}].${nesting.items}`);
      if (items.length > 0 && !resource["service.name"]) {
        reject(items.length, at, new SpanProblem('resource has no "service.name"'));
        return;
      }
      const scope = readScope(scopeEntry.scope);
      items.forEach((raw, i) => {
        try {
          result.items.push(read(raw, { ...resource }, scope));
        } catch (problem) {
          reject(1, `${at}.${nesting.scopes}[${s}].${nesting.items}[${i}]`, problem);
        }
      });
    });
  });
  return result;
}
