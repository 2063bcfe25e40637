import { describe, expect, it } from "vitest";
import { WindowPair } from "../src/exporter/window-pair.js";

describe("WindowPair", () => {
  it("keeps the current window's value until the window has run its length", () => {
    const pair = new WindowPair(1_000, 0, 0);
    pair.set(10, 5);
    expect(pair.current(999)).toBe(5);
    expect(pair.before(999)).toBe(0);
    expect(pair.elapsed(999)).toBe(999);
  });

  it("moves the current window to the one before when it has run out, and starts the next where it ended", () => {
    const pair = new WindowPair(1_000, 0, 0);
    pair.set(10, 5);
    expect(pair.before(1_500)).toBe(5);
    expect(pair.current(1_500)).toBe(0);
    expect(pair.elapsed(1_500)).toBe(500);
  });

  it("forgets both windows after a whole window went by with nothing", () => {
    const pair = new WindowPair<number | undefined>(1_000, undefined, 0);
    pair.set(10, 7);
    expect(pair.before(2_500)).toBeUndefined();
    expect(pair.current(2_500)).toBeUndefined();
    expect(pair.elapsed(2_500)).toBe(0);
  });
});
