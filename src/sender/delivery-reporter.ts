/**
 * What the user hears about delivery, on the sender's side:
 * - a refusal that means a variable is wrong or missing (401, 403, 404, a
 *   validation answer about the tenant or the channel): one line at once,
 *   naming the variable, once per kind (configuration-problem.ts);
 * - every lost span, whatever the cause (losses.ts): counted, and said in
 *   one warning line at most every `intervalMs` (30 s), the first one a
 *   moment after the first loss, and what is still unsaid at exit or
 *   shutdown (`sayNow`);
 * - with AXONPUSH_DEBUG, the counters (delivered, lost, held) with each
 *   report and at exit.
 * Lines go to `notice`, which the sender thread forwards to the app's thread.
 */
import { configurationProblem, type ConfigurationProblemKind, type ConfiguredVariables } from "../exporter/configuration-problem.js";
import type { SendResult } from "../transport/types.js";
import {
  difference,
  formatLossLine,
  LOSS_CAUSES,
  noLosses,
  SPANS,
  totalOf,
  type LossCause,
  type LossCounts,
  type LossSignal,
} from "./losses.js";

export type NoticeLevel = "warn" | "debug" | "info";
export type Notice = (level: NoticeLevel, line: string) => void;

export const LOSS_REPORT_INTERVAL_MS = 30_000;
/** Losses come in bursts: wait this long after the first so the first line counts the burst. */
export const FIRST_LOSS_REPORT_DELAY_MS = 1_000;

export interface DeliveryReporterOptions {
  notice: Notice;
  /** Which optional variables are set, for naming them right. */
  configured: ConfiguredVariables;
  /** Removes secrets from any text that came from the server, before it is printed. */
  scrub: (text: string) => string;
  /** AXONPUSH_DEBUG: say the counters too. */
  debug: boolean;
  /** Spans held by the sender right now, for the debug counters. */
  held: () => number;
  /** What this reporter counts (default spans); a lane's log records have a reporter of their own. */
  signal?: LossSignal;
  /** Shared by the reporters of one lane: a wrong variable is said once, whichever signal met it first. */
  configurationReported?: Set<ConfigurationProblemKind>;
  /** No debug counters while nothing was ever delivered or lost (a lane's log records, in an app that logs none). */
  countersOnceUsed?: boolean;
  intervalMs?: number;
  firstDelayMs?: number;
  now?: () => number;
}

export class DeliveryReporter {
  readonly #options: DeliveryReporterOptions;
  readonly #counts: LossCounts = noLosses();
  #reported: LossCounts = noLosses();
  /** What the app's thread has reported so far, per cause (its totals are cumulative). */
  readonly #fromApp: LossCounts = noLosses();
  readonly #words: Partial<Record<LossCause, string>> = {};
  readonly #configurationReported: Set<ConfigurationProblemKind>;
  #delivered = 0;
  #lastReportAt = Number.NEGATIVE_INFINITY;
  #windowStart: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: DeliveryReporterOptions) {
    this.#options = options;
    this.#configurationReported = options.configurationReported ?? new Set();
  }

  get delivered(): number {
    return this.#delivered;
  }

  /** Cumulative counts of every cause so far. */
  get losses(): Readonly<LossCounts> {
    return this.#counts;
  }

  /** One request settled: its spans delivered, or lost with the server's words. */
  settled(result: SendResult, spanCount: number): void {
    if (result.kind === "success") {
      this.#delivered += spanCount;
      return;
    }
    const message = this.#options.scrub(result.message);
    // Refused: the server answered no. A failure without an answer (the breaker failing fast while the
    // backend cannot be reached, a closed transport) was given up, not refused.
    const cause: LossCause = result.kind === "failure" && result.status !== undefined ? "refused" : "gaveUp";
    const problem = result.kind === "failure" ? configurationProblem(result.status, message, this.#options.configured) : undefined;
    if (problem && !this.#configurationReported.has(problem.kind)) {
      this.#configurationReported.add(problem.kind);
      this.#notice("warn", problem.line);
    }
    this.lost(cause, spanCount, message);
  }

  lost(cause: LossCause, count: number, words?: string): void {
    if (count <= 0) return;
    this.#counts[cause] += count;
    if (words) this.#words[cause] = words;
    this.#windowStart ??= this.#now();
    this.#schedule();
  }

  /**
   * Counts kept on the app's thread (the batch processor's drops, spans the
   * sender did not take in time, spans a dead sender thread held), as
   * cumulative totals: whichever message brings them, none is counted twice.
   */
  appLosses(totals: Partial<LossCounts>): void {
    for (const cause of LOSS_CAUSES) {
      const total = totals[cause];
      if (total === undefined || total <= this.#fromApp[cause]) continue;
      const added = total - this.#fromApp[cause];
      this.#fromApp[cause] = total;
      this.lost(cause, added);
    }
  }

  /** Says everything still unsaid at once (`when`: "before exit", "at shutdown"), with the counters in debug mode. */
  sayNow(when: string): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#report(when);
    if (this.#sayCounters) this.#notice("info", this.#counters(when));
  }

  /** Quiet from now on (the sender is gone or shut down). */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    const now = this.#now();
    const due = Math.max(now + (this.#options.firstDelayMs ?? FIRST_LOSS_REPORT_DELAY_MS), this.#lastReportAt + this.#intervalMs);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const window = Math.max(1, Math.round((this.#now() - (this.#windowStart ?? this.#now())) / 1000));
      this.#report(`in the last ${window.toLocaleString("en-US")} s`);
      if (this.#sayCounters) this.#notice("info", this.#counters("so far"));
    }, due - now);
    // Never keeps a process (or the sender thread) alive.
    this.#timer.unref?.();
  }

  #report(when: string): void {
    const unsaid = difference(this.#counts, this.#reported);
    if (totalOf(unsaid) === 0) return;
    this.#notice("warn", formatLossLine(unsaid, when, this.#words, this.#signal));
    this.#reported = { ...this.#counts };
    this.#lastReportAt = this.#now();
    this.#windowStart = undefined;
  }

  #counters(when: string): string {
    const lost = totalOf(this.#counts);
    const causes = LOSS_CAUSES.filter((cause) => this.#counts[cause] > 0).map((cause) => `${cause} ${this.#counts[cause]}`);
    return `${this.#signal.plural} ${when}: ${this.#delivered} delivered, ${lost} lost${causes.length ? ` (${causes.join(", ")})` : ""}, ${this.#options.held()} held`;
  }

  #notice(level: Parameters<Notice>[0], line: string): void {
    if (this.#closed) return;
    this.#options.notice(level, line);
  }

  get #sayCounters(): boolean {
    if (!this.#options.debug) return false;
    return !this.#options.countersOnceUsed || this.#delivered > 0 || totalOf(this.#counts) > 0;
  }

  get #signal(): LossSignal {
    return this.#options.signal ?? SPANS;
  }

  get #intervalMs(): number {
    return this.#options.intervalMs ?? LOSS_REPORT_INTERVAL_MS;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
