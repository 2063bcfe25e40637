import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TracePrinter } from "../src/receiver/trace-printer.js";
import type { ReceivedSpan } from "../src/receiver/types.js";

function span(traceId: string, spanId: string, name: string, parentSpanId?: string): ReceivedSpan {
  const result: ReceivedSpan = {
    traceId,
    spanId,
    name,
    kind: "INTERNAL",
    status: "OK",
    attributes: {},
    resource: {},
    startTimeUnixNano: "1000000",
    endTimeUnixNano: "3000000",
    events: [],
    links: [],
    via: "event",
  };
  if (parentSpanId) result.parentSpanId = parentSpanId;
  return result;
}

const A = "a".repeat(32);
const B = "b".repeat(32);

describe("TracePrinter (what `axonpush-otel dev` shows)", () => {
  let output: string[];
  let printer: TracePrinter;
  beforeEach(() => {
    vi.useFakeTimers();
    output = [];
    printer = new TracePrinter({ write: (text) => output.push(text), settleMs: 300, quietMs: 2_000 });
  });
  afterEach(() => vi.useRealTimers());

  it("prints a line per span at once and the tree shortly after the root arrives", () => {
    printer.add(span(A, "2".repeat(16), "child", "1".repeat(16)));
    printer.add(span(A, "1".repeat(16), "root"));
    expect(output).toEqual(["[aaaaaaaa] child  INTERNAL  2.0 ms  OK", "[aaaaaaaa] root  INTERNAL  2.0 ms  OK"]);
    vi.advanceTimersByTime(299);
    expect(output).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(output[2]).toBe(`\ntrace ${A} (2 spans)\n└─ root  INTERNAL  2.0 ms  OK\n   └─ child  INTERNAL  2.0 ms  OK\n`);
  });

  it("prints a trace whose root never comes after a quiet period, marking the orphan", () => {
    printer.add(span(B, "3".repeat(16), "consume", "9".repeat(16)));
    vi.advanceTimersByTime(1_999);
    expect(output).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(output[1]).toContain("(orphan: parent 9999999999999999 not received)");
  });

  it("prints again when late spans of a printed trace arrive", () => {
    printer.add(span(A, "1".repeat(16), "root"));
    vi.advanceTimersByTime(300);
    printer.add(span(A, "2".repeat(16), "late child", "1".repeat(16)));
    vi.advanceTimersByTime(300);
    expect(output.filter((text) => text.startsWith("\ntrace"))).toHaveLength(2);
    expect(output.at(-1)).toContain("   └─ late child");
  });

  it("flush() prints every tree still waiting, once", () => {
    printer.add(span(A, "1".repeat(16), "root"));
    printer.add(span(B, "3".repeat(16), "other"));
    printer.flush();
    printer.flush();
    expect(output.filter((text) => text.startsWith("\ntrace"))).toEqual([
      `\ntrace ${A} (1 span)\n└─ root  INTERNAL  2.0 ms  OK\n`,
      `\ntrace ${B} (1 span)\n└─ other  INTERNAL  2.0 ms  OK\n`,
    ]);
    vi.advanceTimersByTime(5_000);
    expect(output.filter((text) => text.startsWith("\ntrace"))).toHaveLength(2);
  });

  it("remembers a bounded number of traces", () => {
    const small = new TracePrinter({ write: (text) => output.push(text), maxTraces: 2 });
    for (const id of ["1", "2", "3"]) small.add(span(id.repeat(32), "1".repeat(16), `root ${id}`));
    // The oldest trace is printed as it is forgotten, not lost.
    expect(output.filter((text) => text.startsWith("\ntrace"))).toEqual([`\ntrace ${"1".repeat(32)} (1 span)\n└─ root 1  INTERNAL  2.0 ms  OK\n`]);
  });
});
