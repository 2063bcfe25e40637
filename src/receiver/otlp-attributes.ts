/**
 * OTLP `KeyValue` lists → the string maps of `ReceivedSpan`, stringified
 * exactly as the events mapping stringifies span attributes (the same
 * `stringifyAttributeValue`), so a span reads the same whichever transport
 * carried it: `42`, `true`, `3.5`, `["a","b"]`.
 */
import { stringifyAttributeValue } from "../exporter/attribute-value.js";
import { isPlainObject } from "./validate-event.js";

/** One OTLP AnyValue (JSON shape) → the JavaScript value an OpenTelemetry attribute would hold. */
export function anyValueToJs(value: unknown): unknown {
  if (!isPlainObject(value)) return null;
  if (typeof value.stringValue === "string") return value.stringValue;
  if (typeof value.boolValue === "boolean") return value.boolValue;
  if (value.intValue !== undefined) return int64ToJs(value.intValue);
  // OTLP/JSON may spell the special doubles as strings ("NaN", "Infinity").
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (isPlainObject(value.arrayValue)) return listOf(value.arrayValue.values).map(anyValueToJs);
  if (isPlainObject(value.kvlistValue)) return keyValuesToObject(value.kvlistValue.values);
  if (typeof value.bytesValue === "string") return value.bytesValue; // base64, as OTLP/JSON has it
  return null;
}

/** int64 arrives as a decimal string (or a JSON number); beyond 2^53 it stays exact as a BigInt. */
function int64ToJs(raw: unknown): number | bigint | null {
  const text = String(raw);
  if (!/^-?\d+$/.test(text)) return null;
  const asNumber = Number(text);
  return Number.isSafeInteger(asNumber) ? asNumber : BigInt(text);
}

function keyValuesToObject(values: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of listOf(values)) {
    if (isPlainObject(entry) && typeof entry.key === "string") out[entry.key] = anyValueToJs(entry.value);
  }
  return out;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A `repeated KeyValue` → string map; empty values are left out, as the events mapping leaves out null. */
export function keyValuesToStrings(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(keyValuesToObject(values))) {
    const text = stringifyAttributeValue(value);
    if (text !== undefined) out[key] = text;
  }
  return out;
}
