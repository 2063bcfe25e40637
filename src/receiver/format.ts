/**
 * Human-readable views of received spans, for `axonpush-otel dev` and for
 * test failure messages: one line per span, or one indented tree per trace.
 */
import type { ReceivedSpan } from "./types.js";

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

function formatOneTrace(traceId: string, spans: ReceivedSpan[]): string[] {
  const ids = new Set(spans.map((s) => s.spanId));
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

  const lines = [`trace ${traceId} (${spans.length} span${spans.length === 1 ? "" : "s"})`];
  const printed = new Set<ReceivedSpan>();
  const walk = (span: ReceivedSpan, prefix: string, last: boolean): void => {
    if (printed.has(span)) return; // a parent cycle; the span was already shown
    printed.add(span);
    const orphan = span.parentSpanId !== undefined && !ids.has(span.parentSpanId);
    const mark = orphan ? `  (orphan: parent ${span.parentSpanId} not received)` : "";
    lines.push(`${prefix}${last ? "└─ " : "├─ "}${spanLabel(span)}${mark}`);
    const kids = children.get(span.spanId) ?? [];
    kids.forEach((kid, i) => walk(kid, `${prefix}${last ? "   " : "│  "}`, i === kids.length - 1));
  };
  tops.forEach((span, i) => walk(span, "", i === tops.length - 1));
  // Spans caught in a parent cycle never hang under a top; show them anyway.
  for (const span of spans) {
    if (!printed.has(span)) walk(span, "", true);
  }
  return lines;
}

/** Spans grouped by trace (in order of first arrival), children indented under parents. */
export function formatTraceTree(spans: ReceivedSpan[]): string {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  const blocks: string[] = [];
  for (const [traceId, traceSpans] of traces) blocks.push(formatOneTrace(traceId, traceSpans).join("\n"));
  return blocks.join("\n\n");
}
