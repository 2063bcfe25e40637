/**
 * A value kept over two windows of time: the current one and the one just before it. When the current window
 * has run its length it becomes the one before; when a whole window or more passed with nothing recorded, the
 * one before is empty too (a value from longer ago says nothing of now).
 */
export class WindowPair<T> {
  readonly #length: number;
  readonly #empty: T;
  #start: number;
  #before: T;
  #current: T;

  constructor(lengthMs: number, empty: T, start: number) {
    this.#length = lengthMs;
    this.#empty = empty;
    this.#start = start;
    this.#before = empty;
    this.#current = empty;
  }

  /** The window before, as of `now`. */
  before(now: number): T {
    this.#roll(now);
    return this.#before;
  }

  /** The current window, as of `now`. */
  current(now: number): T {
    this.#roll(now);
    return this.#current;
  }

  /** Replaces the current window's value, as of `now`. */
  set(now: number, value: T): void {
    this.#roll(now);
    this.#current = value;
  }

  /** How long the current window has run, as of `now`. */
  elapsed(now: number): number {
    this.#roll(now);
    return now - this.#start;
  }

  #roll(now: number): void {
    const elapsed = now - this.#start;
    if (elapsed < this.#length) return;
    const adjacent = elapsed < 2 * this.#length;
    this.#before = adjacent ? this.#current : this.#empty;
    this.#current = this.#empty;
    this.#start += adjacent ? this.#length : elapsed;
  }
}
