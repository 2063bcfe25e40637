/**
 * The queue of injected failures (`failNext`). Each rule covers `times`
 * requests (default 1), in the order the rules were added.
 */
import type { FailureRule } from "./types.js";

export class FailureQueue {
  private readonly rules: { rule: FailureRule; remaining: number }[] = [];

  add(rule: FailureRule): void {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`FailureRule.times must be a positive integer (got ${String(rule.times)})`);
    }
    this.rules.push({ rule: { ...rule }, remaining: times });
  }

  /** The rule for the next request, if any; consumes one use of it. */
  take(): FailureRule | undefined {
    const head = this.rules[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.rules.shift();
    return head.rule;
  }

  clear(): void {
    this.rules.length = 0;
  }
}

/** The status an injected rule answers with, or undefined when it only delays. */
export function injectedStatus(rule: FailureRule): number | undefined {
  if (rule.status !== undefined) return rule.status;
  // A Retry-After only means something on a refusal; 503 is the natural carrier.
  return rule.retryAfter !== undefined ? 503 : undefined;
}
