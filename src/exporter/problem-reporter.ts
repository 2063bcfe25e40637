/**
 * What the user hears about delivery problems, and how often. Per exporter:
 * - refusals that mean a variable is wrong or missing (401, 403, 404, a
 *   validation answer about the tenant or the channel): once each in total,
 *   naming the variable, never the key (configuration-problem.ts);
 * - other rejections (400, 404, 422…) and sends given up after retries:
 *   the status and the server's message, at most once per interval, with a
 *   count of what was left unsaid;
 * - queue-full drops: the first at once, then at most one line per
 *   interval with the number dropped since the last line.
 */
import { logger, warnUser } from "../diag.js";
import type { SendResult } from "../transport/types.js";
import { configurationProblem, type ConfigurationProblemKind, type ConfiguredVariables } from "./configuration-problem.js";

export const WARNING_INTERVAL_MS = 10_000;

export interface ProblemReporterOptions {
  maxQueueSize: number;
  /** Removes secrets from any text that came from the server, before it is printed. */
  scrub?: (text: string) => string;
  intervalMs?: number;
  /** Which optional variables are set, for naming them right; default neither. */
  configured?: ConfiguredVariables;
}

export class ProblemReporter {
  readonly #options: ProblemReporterOptions;
  readonly #intervalMs: number;
  readonly #configurationReported = new Set<ConfigurationProblemKind>();
  #lastFailureWarning = Number.NEGATIVE_INFINITY;
  #unsaidFailures = 0;
  #droppedTotal = 0;
  #droppedUnsaid = 0;
  #dropTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ProblemReporterOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? WARNING_INTERVAL_MS;
  }

  /** Spans dropped because the queue was full, since the exporter started. */
  get droppedCount(): number {
    return this.#droppedTotal;
  }

  /** `spanCount`: how many spans the request carried (an OTLP batch carries many). */
  undelivered(result: SendResult, spanCount = 1): void {
    if (result.kind === "success" || this.#closed) return;
    const message = this.#scrub(result.message);
    const problem = result.kind === "failure" ? configurationProblem(result.status, message, this.#configured) : undefined;
    if (problem) {
      if (this.#configurationReported.has(problem.kind)) {
        logger.debug(`span not delivered: ${message}`);
        return;
      }
      this.#configurationReported.add(problem.kind);
      warnUser(problem.line);
      return;
    }
    const now = Date.now();
    if (now - this.#lastFailureWarning < this.#intervalMs) {
      this.#unsaidFailures += 1;
      logger.debug(`span not delivered: ${message}`);
      return;
    }
    const more = this.#unsaidFailures > 0 ? ` (${this.#unsaidFailures} more since the last warning)` : "";
    this.#lastFailureWarning = now;
    this.#unsaidFailures = 0;
    const subject = spanCount === 1 ? "span" : `batch of ${spanCount} spans`;
    const what = result.kind === "failure" ? `AxonPush rejected a ${subject}` : `A ${subject} could not be delivered after retries`;
    warnUser(`${what}: ${message}${more}`);
  }

  dropped(count: number): void {
    if (count <= 0) return;
    this.#droppedTotal += count;
    this.#droppedUnsaid += count;
    if (this.#dropTimer === undefined) {
      this.#reportDrops();
      // Later drops within the interval are summed and told once when it ends.
      this.#dropTimer = setTimeout(() => this.#endDropInterval(), this.#intervalMs);
      this.#dropTimer.unref();
    }
  }

  /** Says what is still unsaid, then stays quiet (the exporter is shutting down). */
  close(): void {
    if (this.#closed) return;
    if (this.#dropTimer) clearTimeout(this.#dropTimer);
    this.#dropTimer = undefined;
    this.#reportDrops();
    this.#closed = true;
  }

  #endDropInterval(): void {
    this.#dropTimer = undefined;
    if (this.#droppedUnsaid === 0) return;
    this.#reportDrops();
    this.#dropTimer = setTimeout(() => this.#endDropInterval(), this.#intervalMs);
    this.#dropTimer.unref();
  }

  #reportDrops(): void {
    if (this.#droppedUnsaid === 0 || this.#closed) return;
    const count = this.#droppedUnsaid;
    this.#droppedUnsaid = 0;
    warnUser(
      `Dropped ${count} span(s): the AxonPush export queue is full (maxQueueSize ${this.#options.maxQueueSize}, ` +
        `${this.#droppedTotal} dropped in total). The backend is slow or unreachable, or spans are produced ` +
        "faster than they can be sent (AXONPUSH_QUEUE_SIZE).",
    );
  }

  get #configured(): ConfiguredVariables {
    return this.#options.configured ?? { tenantId: false, channelId: false };
  }

  #scrub(text: string): string {
    return this.#options.scrub ? this.#options.scrub(text) : text;
  }
}
