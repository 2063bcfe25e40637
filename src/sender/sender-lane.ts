/**
 * One exporter's side of the sender, on the app's thread: hands record
 * batches over (one message per `export()`), asks for flushes and the
 * shutdown, and counts what is lost before the sender sees it.
 *
 * Normally the lane lives on the process's sender thread. Where that thread
 * cannot run, or once it has died, the same Lane code runs here on the
 * app's thread instead (loaded from dist/sender.cjs), with tracing
 * suppressed around our own requests, and what the dead thread held is
 * counted as lost and said.
 */
import { logger } from "../diag.js";
import { withTracingSuppressed } from "../transport/suppress-tracing.js";
import type { Transport } from "../transport/types.js";
import type { Notice } from "./delivery-reporter.js";
import type { Lane, LaneSeams } from "./lane.js";
import { formatLossLine, noLosses, type LossCause, type LossCounts } from "./losses.js";
import type { LaneSettings } from "./protocol.js";
import type { RecordBatch, ResourceRecord } from "./records.js";
import { loadSenderModule } from "./sender-module.js";
import { say, senderThread, type ExitDrainOutcome, type SenderThread } from "./sender-thread.js";

export interface SenderLaneSeams {
  /** Send on the app's thread through this transport (tests): no sender thread at all. */
  transport?: Transport;
  /** Send on the app's thread with the real HTTP stack, as where no thread can run (tests of that fallback). */
  onAppThread?: boolean;
  /** Another sender thread than the process's (tests). */
  thread?: SenderThread;
  /** Test seams for the reporter's timing (app's-thread lanes only). */
  reportIntervalMs?: number;
  firstReportDelayMs?: number;
}

let nextLaneId = 1;

const LANES_KEY = Symbol.for("axonpush-otel.sender-lanes");
type GlobalWithLanes = typeof globalThis & { [LANES_KEY]?: Set<{ flush(): Promise<void> }> };

/** Every lane of the process, whichever copy of this package opened it (until its exporter shuts down). */
function liveLanes(): Set<{ flush(): Promise<void> }> {
  const g = globalThis as GlobalWithLanes;
  return (g[LANES_KEY] ??= new Set());
}

/** Waits until every exporter in the process has settled what it was handed (serverless flushes, `start()`'s handle). */
export async function flushEverySenderLane(): Promise<void> {
  await Promise.all([...liveLanes()].map((lane) => lane.flush()));
}

export class SenderLane {
  readonly #settings: LaneSettings;
  readonly #seams: SenderLaneSeams;
  readonly #id = nextLaneId++;
  readonly #thread: SenderThread | undefined;
  /** [0]: spans the thread took off the channel; [1]: spans its lane holds (protocol.ts). */
  readonly #shared = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  /** Spans posted to the thread, modulo 2^32 like the thread's count. */
  #posted = 0;
  #opened = false;
  #local: Lane | undefined;
  /** Cumulative losses counted here, sent with the next hand-over when they changed. */
  readonly #appLosses: Partial<LossCounts> = {};
  #appLossesChanged = false;
  #exiting = false;
  #stopListening: (() => void)[] = [];
  /** Every resource described so far (a process has one or two): a lane started later needs them too. */
  readonly #resources = new Map<number, ResourceRecord>();

  constructor(settings: LaneSettings, seams: SenderLaneSeams = {}) {
    this.#settings = settings;
    this.#seams = seams;
    this.#thread = seams.transport || seams.onAppThread ? undefined : (seams.thread ?? senderThread());
    if (settings.debug) this.#thread?.showDebugLines();
    liveLanes().add(this);
  }

  /** Where this lane sends from: the sender thread, or the app's thread. */
  get where(): "thread" | "app-thread" | "not-started" {
    if (this.#local) return "app-thread";
    return this.#opened ? "thread" : "not-started";
  }

  /** Opens the lane on the thread (starting it) ahead of the first hand-over; falls back as a hand-over would. Never throws. */
  start(): void {
    try {
      if (!this.#local && !this.#open()) this.#fallBack();
    } catch (error) {
      logger.debug(`could not start the sender: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Spans lost on the app's thread before the sender saw them; cumulative. */
  countLoss(cause: LossCause, count: number): void {
    if (count <= 0) return;
    this.#appLosses[cause] = (this.#appLosses[cause] ?? 0) + count;
    this.#appLossesChanged = true;
  }

  handOver(batch: RecordBatch): void {
    for (const resource of batch.resources) this.#resources.set(resource.id, resource);
    const local = this.#local ?? (this.#open() ? undefined : this.#fallBack());
    const appLosses = this.#takeAppLosses();
    if (local) {
      local.accept(batch, appLosses);
      return;
    }
    const count = batch.spans.length + batch.unreadable;
    // What the thread has not taken yet is bounded too: a sender that cannot keep up must not grow the
    // channel. (A batch always goes when the channel is empty, however large: the lane bounds it then.)
    const untaken = (this.#posted - Atomics.load(this.#shared, 0)) | 0;
    if (untaken > 0 && untaken + count > this.#handOverLimit) {
      this.countLoss("queueFull", batch.spans.length);
      return;
    }
    if (this.#thread!.post({ type: "spans", lane: this.#id, batch, ...(appLosses ? { appLosses } : {}) })) {
      this.#posted = (this.#posted + count) | 0;
      return;
    }
    // The thread went away between the check and the post.
    this.#fallBack().accept(batch, appLosses);
  }

  /** Resolves once everything handed over so far has settled (or the thread is gone). */
  async flush(): Promise<void> {
    if (!this.#local && this.#opened) {
      await this.#thread!.ask((id) => ({ type: "flush", lane: this.#id, id }));
    }
    await this.#local?.flush();
  }

  async shutdown(timeoutMs: number): Promise<void> {
    if (!this.#local && this.#opened) {
      await this.#thread!.ask((id) => ({ type: "shutdown", lane: this.#id, id, timeoutMs }));
    }
    await this.#local?.shutdown(timeoutMs);
    for (const stop of this.#stopListening.splice(0)) stop();
    liveLanes().delete(this);
  }

  /** At Node's `exit` event: the thread (shared by every lane) sends what it holds; the app's thread blocks meanwhile. */
  drainAtExit(budgetMs: number): ExitDrainOutcome {
    if (this.#local || !this.#opened || !this.#thread) return { kind: "not-running", elapsedMs: 0 };
    return this.#thread.drainForExit(budgetMs);
  }

  /**
   * At Node's `exit` event, after every lane has handed over what is left
   * (the thread drains them all at once: SenderThread.drainForExit). A lane
   * running on the app's thread cannot send any more: what it holds is
   * counted and said now.
   */
  sayLossesAtExit(): void {
    this.#exiting = true;
    const local = this.#local;
    if (!local) return;
    const appLosses = this.#takeAppLosses();
    if (appLosses) local.reporter.appLosses(appLosses);
    local.reporter.lost("exitBudget", local.held);
    local.reporter.sayNow("before exit");
  }

  /** Whether a hand-over now would go to the thread (starting it if needed). */
  #open(): boolean {
    const thread = this.#thread;
    if (!thread) return false;
    if (this.#opened) return thread.state === "running";
    if (!thread.ensureStarted()) return false;
    if (!thread.post({ type: "open", lane: this.#id, settings: this.#settings, shared: this.#shared.buffer as SharedArrayBuffer })) return false;
    this.#opened = true;
    thread.allowAtExit(this.#settings.exporter.shutdownTimeoutMs);
    this.#stopListening.push(
      thread.onGone(() => this.#threadGone()),
      thread.onExitUnanswered(() => this.#sayUnconfirmedAtExit()),
    );
    return true;
  }

  /** The exit drain ended before the thread answered: what it never took, or still held, is lost; said from here. */
  #sayUnconfirmedAtExit(): void {
    const held = ((this.#posted - Atomics.load(this.#shared, 0)) | 0) + Atomics.load(this.#shared, 1);
    if (held <= 0) return;
    say("warn", formatLossLine({ ...noLosses(), exitBudget: held }, "before exit"), this.#settings.debug, true);
  }

  #threadGone(): void {
    // What the thread never took, and what its lane held: gone with it.
    const lost = ((this.#posted - Atomics.load(this.#shared, 0)) | 0) + Atomics.load(this.#shared, 1);
    this.countLoss("senderGone", lost);
    this.#fallBack();
  }

  #fallBack(): Lane {
    if (this.#local) return this.#local;
    const notice: Notice = (level, line) => say(level, line, this.#settings.debug, this.#exiting);
    const seams: LaneSeams = {
      notice,
      transport: this.#seams.transport,
      wrapTransport: withTracingSuppressed,
      reportIntervalMs: this.#seams.reportIntervalMs,
      firstReportDelayMs: this.#seams.firstReportDelayMs,
    };
    const { Lane: LaneClass } = loadSenderModule(this.#thread?.entry);
    this.#local = new LaneClass(this.#settings, seams);
    // The records to come name resources the dead thread was told about: tell this lane too.
    if (this.#resources.size > 0) this.#local.accept({ spans: [], resources: [...this.#resources.values()], unreadable: 0 });
    logger.debug("sending on the app's thread");
    return this.#local;
  }

  #takeAppLosses(): Partial<LossCounts> | undefined {
    if (!this.#appLossesChanged) return undefined;
    this.#appLossesChanged = false;
    return { ...this.#appLosses };
  }

  get #handOverLimit(): number {
    return 2 * this.#settings.exporter.maxQueueSize;
  }
}
