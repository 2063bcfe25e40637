/**
 * Tracks one `export()` call: its callback fires exactly once, when the last
 * of its events is settled, with SUCCESS only if every event was delivered.
 * Reporting on settlement (not on acceptance) is what makes
 * `provider.forceFlush()` really wait for delivery, because the batch span
 * processor waits for export callbacks and never calls our own forceFlush.
 */
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { logger } from "../diag.js";

export class BatchSettlement {
  #remaining: number;
  #failures = 0;
  #callback: ((result: ExportResult) => void) | undefined;

  constructor(size: number, callback: (result: ExportResult) => void) {
    this.#remaining = size;
    this.#callback = callback;
    if (size <= 0) this.#finish();
  }

  get settled(): boolean {
    return this.#callback === undefined;
  }

  delivered(count = 1): void {
    this.#settle(count, false);
  }

  failed(count = 1): void {
    this.#settle(count, true);
  }

  /** Everything not yet settled failed (e.g. an unexpected error while accepting the batch). */
  failRemaining(): void {
    this.#settle(this.#remaining, true);
  }

  #settle(count: number, failed: boolean): void {
    if (count <= 0 || this.#callback === undefined) return;
    const settledNow = Math.min(count, this.#remaining);
    this.#remaining -= settledNow;
    if (failed) this.#failures += settledNow;
    if (this.#remaining === 0) this.#finish();
  }

  #finish(): void {
    const callback = this.#callback;
    this.#callback = undefined;
    if (!callback) return;
    const result: ExportResult =
      this.#failures === 0
        ? { code: ExportResultCode.SUCCESS }
        : {
            code: ExportResultCode.FAILED,
            error: new Error(`axonpush-otel: ${this.#failures} span(s) of this batch were not delivered`),
          };
    try {
      callback(result);
    } catch (error) {
      // The callback belongs to the span processor; its failure must not break our drain.
      logger.error("export result callback threw", error);
    }
  }
}
