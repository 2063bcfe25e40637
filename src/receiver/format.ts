/**
 * Human-readable views of received spans and log records, for
 * `axonpush-otel dev` and for test failure messages: one line per span or
 * record, or one indented tree per trace, each record under the span it was
 * written in (`  · INFO  user 42 loaded`).
 */
import type { ReceivedLog, ReceivedSpan } from "./types.js";

/** Milliseconds between the span's start and end, with sensible precision. */
export function formatDuration(span: ReceivedSpan): string {
  let nanos: bigint;
  try {
    nanos = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
  } catch {
    return "? ms";
  }
  const ms = Number(nanos) / 1e6;
  const digits = ms >= 100 ? 0 : ms >= 1 ? 1 : 2;
  return `${ms.toFixed(digits)} ms`;
}

function statusText(span: ReceivedSpan): string {
  return span.statusMessage ? `${span.status} (${span.statusMessage})` : span.status;
}

/** Name, kind, duration and status: what a span looks like inside a tree. */
function spanLabel(span: ReceivedSpan): string {
  return `${span.name}  ${span.kind}  ${formatDuration(span)}  ${statusText(span)}`;
}

/** One line: short trace id, name, kind, duration (ms), status. */
export function formatSpanLine(span: ReceivedSpan): string {
  return `[${span.traceId.slice(0, 8)}] ${spanLabel(span)}`;
}

const SEVERITY_NAMES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/** `INFO ` and the message: a record as it sits in a tree. */
export function logLabel(log: ReceivedLog): string {
  const named = log.severityNumber >= 1 && log.severityNumber <= 24 ? SEVERITY_NAMES[Math.floor((log.severityNumber - 1) / 4)]! : "";
  const severity = (log.severityText || named || "LOG").toUpperCase();
  const body = typeof log.body === "string" ? log.body : JSON.stringify(log.body) ?? "";
  return `· ${severity.padEnd(5)} ${body.split("\n")[0]}`;
}

/** One line: short trace id, severity, the message's first line. */
export function formatLogLine(log: ReceivedLog): string {
  return `[${(log.traceId ?? "--------").slice(0, 8)}] ${logLabel(log)}`;
}

function byTime(a: ReceivedLog, b: ReceivedLog): number {
  try {
    const diff = BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano);
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  } catch {
    return 0;
  }
}

function byStart(a: ReceivedSpan, b: ReceivedSpan): number {
  const diff = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

function safeSort(spans: ReceivedSpan[]): ReceivedSpan[] {
  try {
    return [...spans].sort(byStart);
  } catch {
    return [...spans];
  }
}

function formatOneTrace(traceId: string, spans: ReceivedSpan[], logs: ReceivedLog[]): string[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const logsOf = new Map<string | undefined, ReceivedLog[]>();
  for (const log of [...logs].sort(byTime)) {
    // A record whose span did not arrive (or that has none) is shown at the top of the trace.
    const parent = log.parentSpanId !== undefined && ids.has(log.parentSpanId) ? log.parentSpanId : undefined;
    logsOf.set(parent, [...(logsOf.get(parent) ?? []), log]);
  }
  const children = new Map<string, ReceivedSpan[]>();
  const tops: ReceivedSpan[] = [];
  for (const span of safeSort(spans)) {
    const parent = span.parentSpanId;
    if (parent !== undefined && parent !== span.spanId && ids.has(parent)) {
      children.set(parent, [...(children.get(parent) ?? []), span]);
    } else {
      tops.push(span);
    }
  }

  const counted = `${spans.length} span${spans.length === 1 ? "" : "s"}${logs.length ? `, ${logs.length} log record${logs.length === 1 ? "" : "s"}` : ""}`;
  const lines = [`trace ${traceId} (${counted})`];
  for (const log of logsOf.get(undefined) ?? []) lines.push(`  ${logLabel(log)}`);
  const printed = new Set<ReceivedSpan>();
  const walk = (span: ReceivedSpan, prefix: string, last: boolean): void => {
    if (printed.has(span)) return; // a parent cycle; the span was already shown
    printed.add(span);
    const orphan = span.parentSpanId !== undefined && !ids.has(span.parentSpanId);
    const mark = orphan ? `  (orphan: parent ${span.parentSpanId} not received)` : "";
    lines.push(`${prefix}${last ? "└─ " : "├─ "}${spanLabel(span)}${mark}`);
    const inner = `${prefix}${last ? "   " : "│  "}`;
    const kids = children.get(span.spanId) ?? [];
    for (const log of logsOf.get(span.spanId) ?? []) lines.push(`${inner}${kids.length ? "│" : " "} ${logLabel(log)}`);
    kids.forEach((kid, i) => walk(kid, inner, i === kids.length - 1));
  };
  tops.forEach((span, i) => walk(span, "", i === tops.length - 1));
  // Spans caught in a parent cycle never hang under a top; show them anyway.
  for (const span of spans) {
    if (!printed.has(span)) walk(span, "", true);
  }
  return lines;
}

/**
 * Spans grouped by trace (in order of first arrival), children indented
 * under parents, each log record under the span it was written in. Records
 * of a trace with no span here are left out (their lines say enough).
 */
export function formatTraceTree(spans: ReceivedSpan[], logs: ReceivedLog[] = []): string {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  const blocks: string[] = [];
  for (const [traceId, traceSpans] of traces) {
    blocks.push(formatOneTrace(traceId, traceSpans, logs.filter((log) => log.traceId === traceId)).join("\n"));
  }
  return blocks.join("\n\n");
}
