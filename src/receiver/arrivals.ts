/**
 * A list that grows as requests are accepted (spans, log records), with
 * waiters: `waitFor(n | predicate)` resolves once the list satisfies it, or
 * rejects after a timeout with a message showing what did arrive.
 */
type Predicate<T> = (items: T[]) => boolean;

interface Waiter<T> {
  satisfied: Predicate<T>;
  resolve: (items: T[]) => void;
}

export interface ArrivalsOptions<T> {
  /** `span(s)`, `log record(s)`: the timeout message's word. */
  readonly noun: string;
  /** `waitForSpans`: the name the timeout message starts with. */
  readonly waitName: string;
  /** One line per item, for the timeout message. */
  readonly describe: (item: T) => string;
  /** More lines for the timeout message (the rejections). */
  readonly context: () => string[];
}

export class Arrivals<T> {
  private readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  constructor(private readonly options: ArrivalsOptions<T>) {}

  list(): T[] {
    return [...this.items];
  }

  add(added: readonly T[]): void {
    if (added.length === 0) return;
    this.items.push(...added);
    for (const waiter of [...this.waiters]) {
      let done: boolean;
      try {
        done = waiter.satisfied(this.list());
      } catch {
        done = false;
      }
      if (done) {
        this.waiters.delete(waiter);
        waiter.resolve(this.list());
      }
    }
  }

  clear(): void {
    this.items.length = 0;
  }

  waitFor(countOrPredicate: number | Predicate<T>, timeoutMs = 10_000): Promise<T[]> {
    const satisfied: Predicate<T> = typeof countOrPredicate === "number" ? (items) => items.length >= countOrPredicate : countOrPredicate;
    const wanted = typeof countOrPredicate === "number" ? `${countOrPredicate} ${this.options.noun}` : "the predicate";
    try {
      if (satisfied(this.list())) return Promise.resolve(this.list());
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        satisfied,
        resolve: (items) => {
          clearTimeout(timer);
          resolve(items);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(this.timeoutMessage(wanted, timeoutMs)));
      }, timeoutMs);
      // Waiting must never be what keeps a test process alive.
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  private timeoutMessage(wanted: string, timeoutMs: number): string {
    const { waitName, noun, describe, context } = this.options;
    const lines = [`${waitName}: timed out after ${timeoutMs} ms waiting for ${wanted}; have ${this.items.length} ${noun}`];
    for (const item of this.items.slice(-20)) lines.push(`  ${describe(item)}`);
    lines.push(...context());
    return lines.join("\n");
  }
}
