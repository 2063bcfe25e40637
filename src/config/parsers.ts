/**
 * Parse-and-validate helpers shared by the per-variable parsers. Each takes
 * the variable's name, its raw value and a default; a bad value is reported
 * once (name, what was expected, what was given) and the default is used.
 * An unset or blank variable is simply the default, never a problem.
 */
import type { Env } from "./types.js";
import type { Reporter } from "./report.js";

export interface ParseContext {
  readonly env: Env;
  readonly report: Reporter;
}

/** The trimmed value, or undefined when unset or blank. */
export function readRaw(ctx: ParseContext, name: string): string | undefined {
  const value = ctx.env[name]?.trim();
  return value ? value : undefined;
}

function rejected(ctx: ParseContext, name: string, expected: string, given: string, fallback: unknown): void {
  const shownDefault = fallback === undefined ? "no value" : JSON.stringify(fallback);
  ctx.report(`${name} must be ${expected}, got ${JSON.stringify(given)}; using ${shownDefault}.`);
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

/** Booleans are parsed, never tested for truthiness: "false" is false. */
export function parseBoolean(ctx: ParseContext, name: string, fallback: boolean): boolean {
  const raw = readRaw(ctx, name);
  if (raw === undefined) return fallback;
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  rejected(ctx, name, "true or false", raw, fallback);
  return fallback;
}

/** A whole number >= `min`. */
export function parseInteger(ctx: ParseContext, name: string, fallback: number, min: number): number;
export function parseInteger(ctx: ParseContext, name: string, fallback: number | undefined, min: number): number | undefined;
export function parseInteger(ctx: ParseContext, name: string, fallback: number | undefined, min: number): number | undefined {
  const raw = readRaw(ctx, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (/^[+]?\d+$/.test(raw) && Number.isSafeInteger(value) && value >= min) return value;
  rejected(ctx, name, min === 0 ? "a whole number (0 or more)" : `a whole number of at least ${min}`, raw, fallback);
  return fallback;
}

/** A decimal number above 0 (`2`, `0.5`, `.25`); `expected` says in which unit. */
export function parsePositiveDecimal(ctx: ParseContext, name: string, fallback: number, expected: string): number {
  const raw = readRaw(ctx, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (/^[+]?(\d+(\.\d*)?|\.\d+)$/.test(raw) && Number.isFinite(value) && value > 0) return value;
  rejected(ctx, name, expected, raw, fallback);
  return fallback;
}

/** A number in [min, max]. */
export function parseNumberInRange(ctx: ParseContext, name: string, fallback: number, min: number, max: number): number {
  const raw = readRaw(ctx, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value >= min && value <= max) return value;
  rejected(ctx, name, `a number from ${min} to ${max}`, raw, fallback);
  return fallback;
}

/** One of a fixed set of words (case-insensitive). */
export function parseChoice<T extends string>(ctx: ParseContext, name: string, choices: readonly T[], fallback: T): T {
  const raw = readRaw(ctx, name);
  if (raw === undefined) return fallback;
  const word = raw.toLowerCase() as T;
  if (choices.includes(word)) return word;
  rejected(ctx, name, `one of ${choices.join(", ")}`, raw, fallback);
  return fallback;
}

/** A comma-separated list; blanks dropped, duplicates removed, order kept. */
export function parseList(ctx: ParseContext, name: string): string[] | undefined {
  const raw = readRaw(ctx, name);
  if (raw === undefined) return undefined;
  return [...new Set(raw.split(",").map((item) => item.trim()).filter(Boolean))];
}

/** An absolute http(s) URL, without trailing slashes. */
export function parseHttpUrl(ctx: ParseContext, name: string, fallback: string): string;
export function parseHttpUrl(ctx: ParseContext, name: string, fallback: undefined): string | undefined;
export function parseHttpUrl(ctx: ParseContext, name: string, fallback: string | undefined): string | undefined {
  const raw = readRaw(ctx, name);
  if (raw === undefined) return fallback;
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:") return raw.replace(/\/+$/, "");
  } catch {
    // reported below
  }
  rejected(ctx, name, "an http:// or https:// URL", raw, fallback);
  return fallback;
}

/** `key=value,key2=value2` (W3C baggage style, values percent-decoded), as used by OTEL_RESOURCE_ATTRIBUTES and OTLP headers. */
export function parseKeyValueList(ctx: ParseContext, name: string): Record<string, string> {
  const raw = readRaw(ctx, name);
  const result: Record<string, string> = {};
  if (raw === undefined) return result;
  for (const pair of raw.split(",")) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    if (!key) {
      ctx.report(`${name} must be a list of key=value pairs, got ${JSON.stringify(pair.trim())}; skipping it.`);
      continue;
    }
    const value = pair.slice(eq + 1).trim();
    try {
      result[key] = decodeURIComponent(value);
    } catch {
      result[key] = value;
    }
  }
  return result;
}
