/**
 * Counts what the noise filter left out, by kind. With AXONPUSH_DEBUG=true
 * it says so on stderr: the first of each kind (with how to bring them back),
 * then at 10, 100, 1000, … so a busy service prints a handful of lines, not
 * one per probe; and the totals when the process exits.
 */
import type { Reporter } from "../../config/report.js";

export type LeftOutKind = "probe" | "ignoredPath" | "orphanDnsNet";

const DESCRIBED: Record<LeftOutKind, { one: string; many: string; back: string }> = {
  probe: {
    one: "request from a health checker",
    many: "requests from health checkers",
    back: "AXONPUSH_TRACE_PROBES=true traces them",
  },
  ignoredPath: {
    one: "request to a path in AXONPUSH_IGNORE_PATHS",
    many: "requests to paths in AXONPUSH_IGNORE_PATHS",
    back: "they are traced again once their path leaves AXONPUSH_IGNORE_PATHS",
  },
  orphanDnsNet: {
    one: "dns/net span without a parent span",
    many: "dns/net spans without a parent span",
    back: "AXONPUSH_TRACE_ORPHAN_DNS_NET=true records them",
  },
};

const isPowerOfTen = (n: number) => /^10*$/.test(String(n));

export class LeftOutCounter {
  private readonly counts: Record<LeftOutKind, number> = { probe: 0, ignoredPath: 0, orphanDnsNet: 0 };

  /** `debugReport`: where to say what was left out; none unless AXONPUSH_DEBUG is on. */
  constructor(private readonly debugReport?: Reporter) {}

  /** `detail` names what was left out (never a query string: it may carry secrets). */
  count(kind: LeftOutKind, detail: () => string): void {
    const n = ++this.counts[kind];
    if (!this.debugReport || !isPowerOfTen(n)) return;
    const { one, many, back } = DESCRIBED[kind];
    this.debugReport(
      n === 1 ? `left out a ${one} (${detail()}); ${back}. Counting them.` : `left out ${n} ${many} so far (the last: ${detail()}).`,
    );
  }

  total(kind: LeftOutKind): number {
    return this.counts[kind];
  }

  /** One line with every kind left out so far, or undefined when nothing was. */
  summary(): string | undefined {
    const parts = (Object.keys(this.counts) as LeftOutKind[])
      .filter((kind) => this.counts[kind] > 0)
      .map((kind) => `${this.counts[kind]} ${this.counts[kind] === 1 ? DESCRIBED[kind].one : DESCRIBED[kind].many}`);
    return parts.length === 0 ? undefined : `left out of traces in all: ${parts.join(", ")}.`;
  }
}
