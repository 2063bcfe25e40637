/**
 * The one sender thread of the process, seen from the app's thread.
 *
 * Started at the first hand-over, never at start-up (an app that ends no
 * span never starts it), `unref()`ed together with its channel (it never
 * keeps a process alive), with no `--import`/`--require` and no
 * `NODE_OPTIONS` of the app (our preload must not load inside it), running
 * only dist/sender.cjs. Every exporter in the process shares it: each opens
 * a lane (protocol.ts).
 *
 * Where it cannot start (the permission model without `--allow-worker`, a
 * runtime without worker threads, a virtual memory limit with no room for a
 * second isolate: address-space.ts), should not (a memory limit with little
 * room left: memory-room.ts) or once it has died, `alive` is false and
 * the exporters send on the app's thread instead (sender-lane.ts).
 *
 * At exit the app's thread posts what is left and blocks in `Atomics.wait`
 * until the thread says it is done or the budget is spent (the event loop
 * will not turn again, but the thread's own loop does); the lines it said
 * meanwhile are read synchronously off the channel and printed.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { logger, warnUser } from "../diag.js";
import { addressSpaceRefusal } from "./address-space.js";
import { memoryRefusal } from "./memory-room.js";
import { senderEntryPath } from "./entry-path.js";
import type { NoticeLevel } from "./delivery-reporter.js";
import type { FromSender, ToSender } from "./protocol.js";

/** Why no thread may start here: no address space for a second isolate, or too little memory under the limit. */
function threadRefusal(): string | undefined {
  return addressSpaceRefusal() ?? memoryRefusal();
}

/** The least an exit waits for the thread, so that what it could not send is counted and said. */
const EXIT_REPORT_GRACE_MS = 25;

/**
 * The sender's young generation, capped. Left to V8, a busy worker grows it to whatever the allocation
 * rate asks for: on Node 24, sending 5,000 event spans a second, 128 MiB of new space in the sender alone,
 * the process peaking at 249 MiB against 79 with a no-op exporter and 92 with the official one. Capped at
 * 16 MiB the same load peaked at 181 MiB, with the same CPU within the run-to-run noise (8 MiB saved
 * little more; bench/FINDINGS.md, "The sender's memory").
 */
export const SENDER_YOUNG_GENERATION_MB = 16;

export type ThreadState = "not-started" | "running" | "unavailable" | "gone";

interface Running {
  readonly worker: Worker;
  readonly port: MessagePort;
}

export interface ExitDrainOutcome {
  readonly kind: "drained" | "timed-out" | "not-running";
  readonly elapsedMs: number;
}

export class SenderThread {
  readonly #entry: string;
  #state: ThreadState = "not-started";
  #running: Running | undefined;
  readonly #exitWord = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  #nextId = 1;
  readonly #waiting = new Map<number, () => void>();
  readonly #goneListeners = new Set<() => void>();
  /** Told when an exit drain runs out of time before the thread answers: each lane then says what it cannot confirm. */
  readonly #unansweredListeners = new Set<() => void>();
  /** Told first when an exit drain starts: each lane hands over what still waits for room. */
  readonly #exitDrainListeners = new Set<() => void>();
  #debug = false;
  /** The longest shutdown budget of the lanes opened (AXONPUSH_SHUTDOWN_TIMEOUT_MS): the exit drain's when nobody else drains. */
  #exitBudgetMs = 0;
  #drainedAtExit = false;
  /** Warnings the thread has said (loss lines among them), read on the app's thread: see warningsHeard. */
  #warningsHeard = 0;

  readonly #refusal: () => string | undefined;

  /** `refusal`: why no thread may start here (tests give their own). */
  constructor(entry: string = senderEntryPath(), refusal: () => string | undefined = threadRefusal) {
    this.#entry = entry;
    this.#refusal = refusal;
  }

  get state(): ThreadState {
    return this.#state;
  }

  /** The file the thread runs (dist/sender.cjs). */
  get entry(): string {
    return this.#entry;
  }

  /** A lane's shutdown budget: the exit drain waits for the longest. */
  allowAtExit(budgetMs: number): void {
    this.#exitBudgetMs = Math.max(this.#exitBudgetMs, budgetMs);
  }

  /** AXONPUSH_DEBUG on any lane: the thread's lines are said on stderr too. */
  showDebugLines(): void {
    this.#debug = true;
  }

  /** Starts the thread if it has not started yet; false when it cannot run (then send on the app's thread). */
  ensureStarted(): boolean {
    if (this.#state === "running") return true;
    if (this.#state !== "not-started") return false;
    // Checked, not tried: V8 aborts the whole process when it cannot reserve a new isolate's memory.
    const refusal = this.#refusal();
    if (refusal !== undefined) {
      this.#state = "unavailable";
      // Info, not debug: AXONPUSH_DEBUG shows it on stderr, as it shows the counters.
      say("info", `no sender thread (${refusal}); sending on the app's thread`, this.#debug, false);
      return false;
    }
    try {
      const channel = new MessageChannel();
      const worker = new Worker(this.#entry, {
        // Not the app's flags or NODE_OPTIONS (a worker reads them from its env): only our sending code runs here.
        execArgv: [],
        env: environmentWithoutNodeOptions(),
        resourceLimits: { maxYoungGenerationSizeMb: SENDER_YOUNG_GENERATION_MB },
        stdout: false,
        stderr: false,
        workerData: { axonpushSender: true, exitSignal: this.#exitWord.buffer, port: channel.port2 },
        transferList: [channel.port2],
      });
      channel.port1.on("message", (message: FromSender) => this.#received(message));
      // After the listener: adding a "message" listener refs the port again.
      worker.unref();
      channel.port1.unref();
      worker.on("error", (error) => this.#gone(`the sender thread failed: ${error.message}`));
      worker.on("exit", (code) => this.#gone(`the sender thread exited (code ${code})`));
      this.#running = { worker, port: channel.port1 };
      this.#state = "running";
      // The thread holds what was handed over, and it cannot keep the process alive: without the
      // preload's exit path (an exporter set up by hand), this drain is what delivers it at exit.
      process.once("exit", () => {
        if (!this.#drainedAtExit) this.drainForExit(this.#exitBudgetMs);
      });
      return true;
    } catch (error) {
      this.#state = "unavailable";
      logger.debug(`no sender thread (${error instanceof Error ? error.message : String(error)}); sending on the app's thread`);
      return false;
    }
  }

  /** False when the thread is not running (the caller falls back). */
  post(message: ToSender, transfer?: ArrayBuffer[]): boolean {
    if (this.#state !== "running" || !this.#running) return false;
    try {
      this.#running.port.postMessage(message, transfer);
      return true;
    } catch (error) {
      logger.debug(`could not hand over to the sender thread: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  /**
   * Posts a message that the thread answers with `done`; resolves then, or when the thread is gone.
   * While someone waits for an answer the channel holds the event loop open, as a request on the
   * wire did when sending ran on the app's thread: `await provider.forceFlush()` at the end of a
   * script must not let the process end (or an ES module's top-level await stay unsettled) before
   * the spans are out. Nobody waiting, nothing held.
   */
  ask(build: (id: number) => ToSender): Promise<void> {
    const id = this.#nextId++;
    return new Promise<void>((resolve) => {
      this.#waiting.set(id, resolve);
      if (!this.post(build(id))) {
        this.#waiting.delete(id);
        resolve();
        return;
      }
      if (this.#waiting.size === 1) this.#running?.port.ref();
    });
  }

  /**
   * @internal stops the thread as a crash would (its `exit` event follows), for the tests of what
   * happens then: the lanes fall back to the app's thread and count what it held.
   */
  terminate(): void {
    void this.#running?.worker.terminate();
  }

  /** Called when an exit drain ends without the thread's answer (it could not say what it did not send). */
  onExitUnanswered(listener: () => void): () => void {
    this.#unansweredListeners.add(listener);
    return () => this.#unansweredListeners.delete(listener);
  }

  /**
   * How many warnings the thread has said in this process (loss lines among them). None means it has said
   * nothing yet of what the app's thread counted and handed it: an exit drain it does not answer leaves that
   * to the lanes to say.
   */
  get warningsHeard(): number {
    return this.#warningsHeard;
  }

  /** Called at the start of an exit drain, before the thread is told to send what it holds. */
  beforeExitDrain(listener: () => void): () => void {
    this.#exitDrainListeners.add(listener);
    return () => this.#exitDrainListeners.delete(listener);
  }

  /** Called with no arguments when the thread dies or fails. */
  onGone(listener: () => void): () => void {
    this.#goneListeners.add(listener);
    return () => this.#goneListeners.delete(listener);
  }

  /**
   * From Node's `exit` event: tell the thread to send what every lane holds
   * until the deadline, and block until it says it is done (or the budget is
   * spent). Prints what the thread said meanwhile.
   */
  drainForExit(budgetMs: number): ExitDrainOutcome {
    const startedAt = Date.now();
    const elapsed = () => Date.now() - startedAt;
    this.#drainedAtExit = true;
    for (const listener of this.#exitDrainListeners) listener();
    if (this.#state !== "running") return { kind: "not-running", elapsedMs: 0 };
    const before = Atomics.load(this.#exitWord, 0);
    const seq = before + 1;
    if (!this.post({ type: "exit", deadline: startedAt + budgetMs, seq })) return { kind: "not-running", elapsedMs: 0 };
    // With no budget left the thread only counts what it holds: a moment to hear it say so.
    const outcome = Atomics.wait(this.#exitWord, 0, before, Math.max(EXIT_REPORT_GRACE_MS, budgetMs));
    const heardBefore = this.#warningsHeard;
    this.#readSynchronously();
    // It may have answered just after the wait gave up: its report, read just now, then said what it could not send.
    const answeredLate = Atomics.load(this.#exitWord, 0) === seq || this.#warningsHeard > heardBefore;
    if (outcome === "timed-out" && !answeredLate) {
      // Still starting, or busy: it had no time to count and say what it could not send; the lanes say it from here.
      for (const listener of this.#unansweredListeners) listener();
      return { kind: "timed-out", elapsedMs: elapsed() };
    }
    return { kind: "drained", elapsedMs: elapsed() };
  }

  #received(message: FromSender): void {
    if (message.type === "done") {
      const resolve = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (this.#waiting.size === 0) this.#running?.port.unref();
      resolve?.();
      return;
    }
    this.#sayNotice(message, false);
  }

  /** What the thread asks to be said, on this thread; its warnings are counted (see warningsHeard). */
  #sayNotice(notice: Extract<FromSender, { type: "notice" }>, atExit: boolean): void {
    if (notice.level === "warn") this.#warningsHeard++;
    say(notice.level, notice.line, this.#debug, atExit);
  }

  /** The event loop will not deliver them any more: take them off the channel now. */
  #readSynchronously(): void {
    const port = this.#running?.port;
    if (!port) return;
    for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
      const message = next.message as FromSender;
      if (message.type === "notice") this.#sayNotice(message, true);
    }
  }

  #gone(why: string): void {
    if (this.#state !== "running") return;
    this.#state = "gone";
    logger.debug(`${why}; sending on the app's thread from now on`);
    this.#readSynchronously();
    this.#running?.port.close();
    this.#running = undefined;
    for (const resolve of this.#waiting.values()) resolve();
    this.#waiting.clear();
    for (const listener of this.#goneListeners) listener();
  }
}

/**
 * A line from the sender: warnings as process warnings (as every warning of
 * ours), debug lines to diag, and the counters (info) with AXONPUSH_DEBUG to
 * stderr as well. At exit no
 * process warning would be printed any more (it is emitted on a later tick),
 * so the line goes to stderr directly, in the same form.
 */
export function say(level: NoticeLevel, line: string, debug: boolean, atExit: boolean): void {
  if (level === "debug") {
    logger.debug(line);
    return;
  }
  if (level === "warn" && !atExit) {
    warnUser(line);
    return;
  }
  if (level === "warn") logger.warn(line);
  else logger.info(line);
  const toStderr = level === "warn" ? warningsShown() : debug;
  if (!toStderr) return;
  try {
    process.stderr.write(level === "warn" ? `(node:${process.pid}) AxonPushWarning: ${line}\n` : `axonpush-otel: ${line}\n`);
  } catch {
    // A closed stderr must not break the application.
  }
}

function warningsShown(): boolean {
  return !process.execArgv.includes("--no-warnings") && process.env.NODE_NO_WARNINGS !== "1" && !(process as { noProcessWarnings?: boolean }).noProcessWarnings;
}

function environmentWithoutNodeOptions(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

const THREAD_KEY = Symbol.for("axonpush-otel.sender-thread");
type GlobalWithThread = typeof globalThis & { [THREAD_KEY]?: Map<string, SenderThread> };

/**
 * The process's sender thread for this copy of dist/sender.cjs. On
 * `globalThis`, so the preload bundle and the library (each with its own
 * copy of this module) share one thread.
 */
export function senderThread(entry: string = senderEntryPath()): SenderThread {
  const g = globalThis as GlobalWithThread;
  const threads = (g[THREAD_KEY] ??= new Map());
  let thread = threads.get(entry);
  if (!thread) {
    thread = new SenderThread(entry);
    threads.set(entry, thread);
  }
  return thread;
}
