/**
 * Whole-trace checks: a trace is a tree with exactly one root, and every
 * parent a span names is present in it.
 */
import { expect } from "vitest";
import type { ReceivedSpan } from "../../src/receiver/index.js";

export function spansOfTrace(spans: ReceivedSpan[], traceId: string): ReceivedSpan[] {
  return spans.filter((span) => span.traceId === traceId);
}

/** Asserts the tree shape and returns its root. */
export function expectWholeTree(trace: ReceivedSpan[]): ReceivedSpan {
  const ids = new Set(trace.map((span) => span.spanId));
  expect(ids.size, "span ids are unique (nothing exported twice)").toBe(trace.length);
  const roots = trace.filter((span) => !span.parentSpanId);
  expect(roots.map((r) => r.name), "exactly one root").toHaveLength(1);
  for (const span of trace) {
    if (span.parentSpanId) expect(ids.has(span.parentSpanId), `parent of ${span.name} is in the trace`).toBe(true);
  }
  return roots[0]!;
}

export function childrenOf(trace: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return trace.filter((span) => span.parentSpanId === parent.spanId);
}

/** Every span on the path from `span` up to the root, nearest first. */
export function ancestorsOf(trace: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const chain: ReceivedSpan[] = [];
  for (let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined; parent; parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined) {
    chain.push(parent);
  }
  return chain;
}

/** The first span (in ancestor order) matching, or undefined. */
export function findDescendant(trace: ReceivedSpan[], ancestor: ReceivedSpan, match: (span: ReceivedSpan) => boolean): ReceivedSpan | undefined {
  return trace.find((span) => match(span) && ancestorsOf(trace, span).some((a) => a.spanId === ancestor.spanId));
}

/**
 * Waits until the trace whose root matches is complete: at least `minSpans`
 * spans and no parent missing (background delivery sends several requests at
 * once, so spans may arrive out of order). Returns that trace's spans.
 */
export async function waitForTrace(
  receiver: { waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]> },
  isRoot: (span: ReceivedSpan) => boolean,
  minSpans: number,
): Promise<ReceivedSpan[]> {
  const findRoot = (all: ReceivedSpan[]) => all.find((s) => !s.parentSpanId && isRoot(s));
  const spans = await receiver.waitForSpans((all) => {
    const root = findRoot(all);
    if (!root) return false;
    const trace = spansOfTrace(all, root.traceId);
    const ids = new Set(trace.map((s) => s.spanId));
    return trace.length >= minSpans && trace.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
  }, 15_000);
  return spansOfTrace(spans, findRoot(spans)!.traceId);
}
