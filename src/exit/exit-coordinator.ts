/**
 * Decides what to do at each way a process can end, and keeps the total
 * delay we add within one budget (`AXONPUSH_SHUTDOWN_TIMEOUT_MS`).
 *
 * "Owned" ends are the ones where we hold the process open ourselves: a
 * signal nobody else handles (we flush, then re-raise it) and a natural end
 * (we flush in `beforeExit`). Their deadline also bounds the `exit` event
 * that may follow, so a backend that never answers costs one budget, not two.
 * An end the app drives (its own signal handler, then `process.exit(code)`
 * much later) gets a fresh budget at `exit`.
 */
import { logger } from "../diag.js";
import { deliverAtExit } from "./exit-delivery.js";
import { flushWithDeadline, type FlushOutcome } from "./flush.js";
import { flushableProvider, otherSignalProviders } from "./provider.js";
import type { ExitState } from "./types.js";

export class ExitCoordinator {
  private ownedDeadline: number | undefined;
  private beforeExitFlushing = false;
  private beforeExitFlushedOnce = false;
  /** `pendingSpans.tracked` when the last beforeExit flush started. */
  private trackedAtLastFlush = 0;
  /** Set when we end the process ourselves after a timed-out natural-end flush. */
  private exitForcedByUs = false;
  /** The last chance has been taken (before a re-raised signal, or at `exit`). */
  private deliveredAtExit = false;

  constructor(
    private readonly state: ExitState,
    private readonly now: () => number = Date.now,
  ) {}

  get budgetMs(): number {
    const ms = this.state.shutdownTimeoutMs;
    return Number.isFinite(ms) && ms >= 0 ? ms : 5_000;
  }

  /**
   * True when spans ended since the last beforeExit flush. Not "something is
   * still pending": spans the batch processor dropped (queue full) stay
   * pending for good; flushing again for them achieves nothing and must never
   * be able to keep a process cycling through `beforeExit`. Whatever a
   * finished flush left behind, `exit` still sends.
   */
  private hasNewSpans(): boolean {
    return (this.state.pendingSpans?.tracked ?? 0) > this.trackedAtLastFlush;
  }

  /**
   * A signal the app handles itself: start delivering now, so the spans are
   * mostly out before the app's own shutdown calls `process.exit`. Holds
   * nothing open: when to end is the app's decision.
   */
  flushForAppShutdown(): void {
    void this.flush(this.budgetMs, false);
  }

  /**
   * A signal nobody else handles: flush within the budget, then `then` re-raises it. The process
   * then dies of the signal, with no `exit` event: what is still undelivered is sent (within what
   * is left of the budget) and what is lost is said now, as the `exit` event would have.
   */
  flushBeforeReRaise(then: () => void): void {
    const budget = this.budgetMs;
    this.ownedDeadline = this.now() + budget;
    void this.flush(budget, true).then((outcome) => {
      logger.debug(`exit: flush before re-raising the signal: ${outcome}`);
      this.onExit();
      then();
    });
  }

  /** `beforeExit`: the loop is empty. Flush once (again only if new spans appeared). */
  onBeforeExit(): void {
    if (this.beforeExitFlushing) return;
    // Our own flush schedules work, so `beforeExit` comes again after it;
    // with nothing new to send that second time, let the process end.
    if (this.beforeExitFlushedOnce && !this.hasNewSpans()) return;
    this.beforeExitFlushing = true;
    this.beforeExitFlushedOnce = true;
    this.trackedAtLastFlush = this.state.pendingSpans?.tracked ?? 0;
    const budget = this.budgetMs;
    this.ownedDeadline = this.now() + budget;
    void this.flush(budget, false).then((outcome) => {
      this.beforeExitFlushing = false;
      if (outcome !== "timed-out") {
        this.ownedDeadline = undefined;
        return;
      }
      // Something (a request to a backend that does not answer, its retry
      // timers) would hold the process well past the budget. End it now,
      // with the exit code it would have had: process.exit() without an
      // argument uses process.exitCode.
      logger.debug("exit: delivery did not finish within the shutdown timeout; ending the process");
      this.exitForcedByUs = true;
      process.exit();
    });
  }

  /** Node's `exit` event (or a signal about to be re-raised): synchronous, last chance; once. */
  onExit(): void {
    const exporter = this.state.exporter;
    if (!exporter || this.deliveredAtExit) return;
    this.deliveredAtExit = true;
    // Past an owned deadline (or after we ended a flush that ran out of time) nothing more is sent,
    // but what is lost is still counted and said.
    const left = this.ownedDeadline !== undefined ? this.ownedDeadline - this.now() : this.budgetMs;
    const budget = this.exitForcedByUs ? 0 : Math.max(0, left);
    try {
      deliverAtExit({ exporter, pendingSpans: this.state.pendingSpans }, budget);
    } catch (error) {
      // Never let our exit work change how the process ends.
      logger.debug(`exit: synchronous delivery failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private flush(timeoutMs: number, keepAlive: boolean): Promise<FlushOutcome> {
    return flushWithDeadline(
      { provider: flushableProvider(this.state.tracerProvider), exporter: this.state.exporter, alongside: otherSignalProviders() },
      { timeoutMs, keepAlive },
    );
  }
}
