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
 *
 * Log records (`handOverLogs`) take the same way on the same lane, with
 * their own bound, their own counts and their own words (log records, not
 * spans).
 */
import { logger } from "../diag.js";
import { withTracingSuppressed } from "../transport/suppress-tracing.js";
import type { Transport } from "../transport/types.js";
import type { Notice } from "./delivery-reporter.js";
import type { Lane, LaneSeams } from "./lane.js";
import { cloneableLogBatch, type LogBatch } from "./log-records.js";
import { formatLossLine, LOG_RECORDS, noLosses, totalOf, type LossCause, type LossCounts, type LossSignal } from "./losses.js";
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

/** How often spans waiting for room in the thread's queue look again. */
const ROOM_POLL_MS = 10;
/**
 * How long spans wait for room before they are counted as lost (the sender's queue full): long enough for a
 * sender still warming up (its first second is its slowest) or a burst, short enough not to hold spans for a
 * backend that is down.
 */
export const ROOM_WAIT_MS = 5_000;

/** Spans handed over that wait, in order, for room in the thread's queue. */
interface WaitingSpans {
  batch: RecordBatch;
  readonly giveUpAt: number;
}

/** The shared word counting the log records the thread took (protocol.ts); the one after it, those its lane holds. */
const LOGS_TAKEN = 2;

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
  /** [0]: spans the thread took off the channel; [1]: spans its lane holds; [2], [3]: the same for log records (protocol.ts). */
  readonly #shared = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  /** Spans posted to the thread, modulo 2^32 like the thread's count. */
  #posted = 0;
  /**
   * Batches posted that the thread may not have taken off the channel yet, oldest first, each with #posted
   * once it was posted: should the thread go before taking them (it failed while starting, or was stopped
   * before its first turn), they are still here to send from the app's thread instead of being lost. A batch
   * the thread took and then died holding (on Node 26 under a virtual memory limit, a worker takes the first
   * batch and then runs out of memory) is no longer here: it is counted as lost, "sender gone".
   */
  #untaken: { readonly batch: RecordBatch; readonly postedAfter: number }[] = [];
  /** Log records posted to the thread, likewise. */
  #postedLogs = 0;
  #opened = false;
  #local: Lane | undefined;
  /** Cumulative losses counted here, sent with the next hand-over when they changed. */
  readonly #appLosses: Partial<LossCounts> = {};
  #appLossesChanged = false;
  /** The same for log records. */
  readonly #appLogLosses: Partial<LossCounts> = {};
  #appLogLossesChanged = false;
  /** Called before a flush or an exit drain: whoever buffers log records for this lane hands them over. */
  readonly #beforeExitDrain = new Set<() => void>();
  #exiting = false;
  #stopListening: (() => void)[] = [];
  /** Spans waiting for room in the thread's queue, oldest first (see handOver); at most one queue's worth. */
  #waiting: WaitingSpans[] = [];
  #roomTimer: ReturnType<typeof setTimeout> | undefined;
  /** Flushes waiting for the waiting spans to cross; while there are any, the room timer keeps the process alive. */
  #flushesWaiting: (() => void)[] = [];
  /** Every resource described so far (a process has one or two): a lane started later needs them too. */
  readonly #resources = new Map<number, ResourceRecord>();
  /** The same for the log records' resources (numbered by their own maker). */
  readonly #logResources = new Map<number, ResourceRecord>();

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

  /** Log records lost on the app's thread before the sender saw them; cumulative. */
  countLogLoss(cause: LossCause, count: number): void {
    if (count <= 0) return;
    this.#appLogLosses[cause] = (this.#appLogLosses[cause] ?? 0) + count;
    this.#appLogLossesChanged = true;
  }

  /** `hook` runs before every flush and exit drain (a log buffer hands over what it holds); returns its removal. */
  onHandOverBuffered(hook: () => void): () => void {
    this.#beforeExitDrain.add(hook);
    return () => this.#beforeExitDrain.delete(hook);
  }

  handOverLogs(batch: LogBatch): void {
    for (const resource of batch.resources) this.#logResources.set(resource.id, resource);
    const local = this.#local ?? (this.#open() ? undefined : this.#fallBack());
    if (local) {
      local.acceptLogs(batch, this.#takeAppLogLosses());
      return;
    }
    const thread = this.#thread!;
    // As for spans: only what the thread's log queue has room for crosses; the rest is counted here, never cloned.
    const room = this.#roomOnThread(this.#postedLogs, LOGS_TAKEN, this.#settings.exporter.maxLogQueueSize);
    if (room < batch.records.length) {
      this.countLogLoss("queueFull", batch.records.length - Math.max(0, room));
      if (room <= 0) this.countLogLoss("unencodable", batch.unreadable);
      // With no room, only what the sender must know crosses: the resources first described here (later
      // records name them) and the losses, so they are said in time even when no record follows the storm.
      batch = room <= 0 ? { records: [], resources: batch.resources, unreadable: 0 } : { ...batch, records: batch.records.slice(0, room) };
    }
    const count = batch.records.length + batch.unreadable;
    // A value that cannot be cloned (a function in a body, say) fails the post while the thread runs:
    // the batch goes again as plain data, and only then would it be lost.
    if (this.#postLogs(thread, batch) || (thread.state === "running" && this.#postLogs(thread, cloneableLogBatch(batch)))) {
      this.#postedLogs = (this.#postedLogs + count) | 0;
      return;
    }
    if (thread.state === "running") {
      this.countLogLoss("unencodable", count);
      return;
    }
    // The thread went away between the check and the post.
    this.#fallBack().acceptLogs(batch, this.#takeAppLogLosses());
  }

  /** Posts log records with the app's thread's log losses so far; false when the post failed (they go with the next). */
  #postLogs(thread: SenderThread, batch: LogBatch): boolean {
    const appLosses = this.#takeAppLogLosses();
    if (thread.post({ type: "logs", lane: this.#id, batch, ...(appLosses ? { appLosses } : {}) })) return true;
    if (appLosses) this.#appLogLossesChanged = true;
    return false;
  }

  /**
   * Hands spans to the sender. What the thread's queue has room for (its bound, less what its lane holds
   * and what it has not taken off the channel yet) crosses now; the rest waits here, in order, as records
   * (nothing cloned or built for it yet), and crosses as room frees. A sender that is slow for a moment (its
   * first second, while its code warms up; a burst) then loses nothing while either side has room.
   * `export()` still answers at once: nothing here keeps the process alive or makes the batch processor
   * wait. Spans still waiting after ROOM_WAIT_MS, beyond one queue's worth (AXONPUSH_QUEUE_SIZE) waiting,
   * or when the process exits, are counted as lost (the sender's queue full).
   */
  handOver(batch: RecordBatch): void {
    for (const resource of batch.resources) this.#resources.set(resource.id, resource);
    const local = this.#local ?? (this.#open() ? undefined : this.#fallBack());
    if (local) {
      local.accept(batch, this.#takeAppLosses());
      return;
    }
    let rest = this.#waiting.length === 0 ? this.#postWhatFits(batch) : batch;
    if (!rest) return;
    if (this.#exiting) {
      this.#handOverNow(rest);
      return;
    }
    const waitingSpans = this.#waiting.reduce((sum, waiting) => sum + waiting.batch.spans.length, 0);
    const roomToWait = Math.max(0, this.#settings.exporter.maxQueueSize - waitingSpans);
    if (rest.spans.length > roomToWait) {
      this.countLoss("queueFull", rest.spans.length - roomToWait);
      // The count crosses now (to be said in time), with what the thread must learn of this batch.
      this.#handOverNow({ spans: [], resources: rest.resources, unreadable: rest.unreadable });
      rest = { spans: rest.spans.slice(0, roomToWait), resources: [], unreadable: 0 };
      if (rest.spans.length === 0) return;
    }
    this.#waiting.push({ batch: rest, giveUpAt: Date.now() + ROOM_WAIT_MS });
    this.#lookForRoomSoon();
  }

  /** Posts what the thread has room for (with the batch's resources and unreadable count); returns the rest, if any. */
  #postWhatFits(batch: RecordBatch): RecordBatch | undefined {
    const room = this.#roomOnThread(this.#posted, 0, this.#settings.exporter.maxQueueSize);
    if (room >= batch.spans.length) {
      this.#handOverNow(batch);
      return undefined;
    }
    // Resources later records name cross at once, with what fits (if anything does).
    if (room > 0 || batch.resources.length > 0 || batch.unreadable > 0) this.#handOverNow({ ...batch, spans: batch.spans.slice(0, Math.max(0, room)) });
    return { spans: batch.spans.slice(Math.max(0, room)), resources: [], unreadable: 0 };
  }

  #lookForRoomSoon(): void {
    if (this.#roomTimer) return;
    this.#roomTimer = setTimeout(() => {
      this.#roomTimer = undefined;
      this.#serveWaiting(false);
      if (this.#waiting.length > 0) this.#lookForRoomSoon();
    }, ROOM_POLL_MS);
    // Waiting spans never keep the process alive (at exit they are handed over); an awaited flush does.
    if (this.#flushesWaiting.length === 0) this.#roomTimer.unref?.();
  }

  /** The event loop will not turn again: spans waiting for room cross now, what does not fit is counted. */
  #handOverWaitingAtExit(): void {
    this.#exiting = true;
    this.#serveWaiting(true);
  }

  /** Hands waiting spans over as room allows; with `now`, all of them at once (what does not fit is counted). */
  #serveWaiting(now: boolean): void {
    while (this.#waiting.length > 0) {
      const head = this.#waiting[0]!;
      const giveUp = now || this.#local !== undefined || this.#thread?.state !== "running" || Date.now() >= head.giveUpAt;
      const rest = giveUp ? (this.#handOverNow(head.batch), undefined) : this.#postWhatFits(head.batch);
      if (rest) {
        head.batch = rest;
        return;
      }
      this.#waiting.shift();
    }
    for (const resolve of this.#flushesWaiting.splice(0)) resolve();
  }

  /** Hands the batch over now: what the thread's queue has no room for is counted as lost here. */
  #handOverNow(batch: RecordBatch): void {
    const local = this.#local ?? (this.#open() ? undefined : this.#fallBack());
    if (local) {
      local.accept(batch, this.#takeAppLosses());
      return;
    }
    // A sender that cannot keep up must not grow the channel: spans it would drop are counted here, never cloned nor built.
    const room = this.#roomOnThread(this.#posted, 0, this.#settings.exporter.maxQueueSize);
    if (room < batch.spans.length) {
      this.countLoss("queueFull", batch.spans.length - Math.max(0, room));
      if (room <= 0) this.countLoss("unencodable", batch.unreadable);
      // With no room, only what the thread must still learn crosses: resources later batches name, and the losses.
      batch = room <= 0 ? { spans: [], resources: batch.resources, unreadable: 0 } : { ...batch, spans: batch.spans.slice(0, room) };
    }
    // Taken after the counting above: the cumulative losses go with this very message.
    const appLosses = this.#takeAppLosses();
    if (this.#thread!.post({ type: "spans", lane: this.#id, batch, ...(appLosses ? { appLosses } : {}) })) {
      this.#posted = (this.#posted + batch.spans.length + batch.unreadable) | 0;
      this.#forgetTaken();
      if (batch.spans.length > 0) this.#untaken.push({ batch, postedAfter: this.#posted });
      return;
    }
    // The thread went away between the check and the post.
    this.#fallBack().accept(batch, appLosses);
  }

  /** Resolves once everything handed over so far has settled (or the thread is gone). */
  async flush(): Promise<void> {
    this.handOverBuffered();
    // Spans waiting for room are part of what was handed over: they cross first, and an awaited flush keeps
    // the process alive until they have (as it does until the thread has sent them).
    if (this.#waiting.length > 0) {
      await new Promise<void>((resolve) => {
        this.#flushesWaiting.push(resolve);
        this.#roomTimer?.ref?.();
      });
    }
    if (!this.#local && this.#opened) {
      await this.#thread!.ask((id) => ({ type: "flush", lane: this.#id, id }));
    }
    await this.#local?.flush();
  }

  async shutdown(timeoutMs: number): Promise<void> {
    this.#serveWaiting(true);
    if (!this.#local && this.#opened) {
      await this.#thread!.ask((id) => ({ type: "shutdown", lane: this.#id, id, timeoutMs }));
    }
    await this.#local?.shutdown(timeoutMs);
    for (const stop of this.#stopListening.splice(0)) stop();
    liveLanes().delete(this);
  }

  /** At Node's `exit` event: the thread (shared by every lane) sends what it holds; the app's thread blocks meanwhile. */
  drainAtExit(budgetMs: number): ExitDrainOutcome {
    this.handOverBuffered();
    this.#handOverWaitingAtExit();
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
    const appLogLosses = this.#takeAppLogLosses();
    if (appLogLosses) local.logReporter.appLosses(appLogLosses);
    local.logReporter.lost("exitBudget", local.logsHeld);
    local.logReporter.sayNow("before exit");
  }

  /** Whatever buffers log records for this lane hands them over now (before a flush, or the exit drain). */
  handOverBuffered(): void {
    for (const hook of this.#beforeExitDrain) {
      try {
        hook();
      } catch (error) {
        logger.debug(`exit: a log buffer could not hand over: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
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
      // However the exit drain was started (the preload's exit path, or the thread's own at `exit`).
      thread.beforeExitDrain(() => this.#handOverWaitingAtExit()),
    );
    return true;
  }

  /** The exit drain ended before the thread answered: what it never took, or still held, is lost; said from here. */
  #sayUnconfirmedAtExit(): void {
    // A thread that has said no warning yet has said none of the losses counted here and handed to it either
    // (a short process, a thread still starting): they are said with what it held. Once it has spoken, it
    // may have said them already: then only what it held.
    const unsaid = this.#thread?.warningsHeard === 0;
    const sayHeld = (held: number, appLosses: Partial<LossCounts>, signal?: LossSignal) => {
      const counts: LossCounts = { ...noLosses(), ...(unsaid ? appLosses : {}) };
      counts.exitBudget += held;
      if (totalOf(counts) > 0) say("warn", formatLossLine(counts, "before exit", {}, signal), this.#settings.debug, true);
    };
    sayHeld(this.#unconfirmed(this.#posted, 0), this.#appLosses);
    sayHeld(this.#unconfirmed(this.#postedLogs, LOGS_TAKEN), this.#appLogLosses, LOG_RECORDS);
  }

  #threadGone(): void {
    // What its lane held is gone with it; batches it never took off the channel are sent from here instead.
    this.#forgetTaken();
    const neverTaken = this.#untaken.splice(0);
    const resent = neverTaken.reduce((sum, { batch }) => sum + batch.spans.length + batch.unreadable, 0);
    this.countLoss("senderGone", this.#unconfirmed(this.#posted, 0) - resent);
    this.countLogLoss("senderGone", this.#unconfirmed(this.#postedLogs, LOGS_TAKEN));
    const local = this.#fallBack();
    for (const { batch } of neverTaken) local.accept(batch, this.#takeAppLosses());
  }

  /** Drops the batches the thread has taken off the channel (its count of spans taken is the shared word 0). */
  #forgetTaken(): void {
    const taken = Atomics.load(this.#shared, 0);
    while (this.#untaken.length > 0 && ((this.#untaken[0]!.postedAfter - taken) | 0) <= 0) this.#untaken.shift();
  }

  /** What was posted and never taken, plus what the lane holds: `taken` is the shared word of that count, the held one follows it. */
  #unconfirmed(posted: number, taken: number): number {
    return ((posted - Atomics.load(this.#shared, taken)) | 0) + Atomics.load(this.#shared, taken + 1);
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
    if (this.#logResources.size > 0) this.#local.acceptLogs({ records: [], resources: [...this.#logResources.values()], unreadable: 0 });
    logger.debug("sending on the app's thread");
    return this.#local;
  }

  #takeAppLogLosses(): Partial<LossCounts> | undefined {
    if (!this.#appLogLossesChanged) return undefined;
    this.#appLogLossesChanged = false;
    return { ...this.#appLogLosses };
  }

  #takeAppLosses(): Partial<LossCounts> | undefined {
    if (!this.#appLossesChanged) return undefined;
    this.#appLossesChanged = false;
    return { ...this.#appLosses };
  }

  /**
   * Room the thread's queue has for a hand-over now: its bound, less what
   * its lane holds and what was posted but not taken off the channel yet
   * (`taken` is the shared word of that count, the held one follows it).
   */
  #roomOnThread(posted: number, taken: number, bound: number): number {
    const untaken = Math.max(0, (posted - Atomics.load(this.#shared, taken)) | 0);
    return bound - untaken - Atomics.load(this.#shared, taken + 1);
  }
}
