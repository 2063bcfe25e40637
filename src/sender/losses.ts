/**
 * Every span that will never reach AxonPush is counted here, by why, so no
 * span is lost without a word (loss-reporter.ts says it). Each cause names
 * the variable that would help, where one would.
 */
export type LossCause =
  | "batchQueueFull"
  | "queueFull"
  | "refused"
  | "gaveUp"
  | "unencodable"
  | "shutdown"
  | "exitBudget"
  | "senderGone";

/** In the order the report lists them: the ones a setting can fix first. */
export const LOSS_CAUSES: readonly LossCause[] = [
  "batchQueueFull",
  "queueFull",
  "refused",
  "gaveUp",
  "exitBudget",
  "shutdown",
  "unencodable",
  "senderGone",
];

const DESCRIPTIONS: Readonly<Record<LossCause, string>> = {
  batchQueueFull: "batch queue full (OTEL_BSP_MAX_QUEUE_SIZE)",
  queueFull: "sender queue full (AXONPUSH_QUEUE_SIZE)",
  refused: "refused by AxonPush",
  gaveUp: "not delivered after retries (AXONPUSH_BASE_URL unreachable or failing; AXONPUSH_TIMEOUT, AXONPUSH_MAX_RETRIES)",
  exitBudget: "still unsent when the exit budget ran out (AXONPUSH_SHUTDOWN_TIMEOUT_MS)",
  shutdown: "unsent at shutdown (AXONPUSH_SHUTDOWN_TIMEOUT_MS)",
  unencodable: "could not be encoded",
  senderGone: "held by the sender thread when it stopped",
};

export type LossCounts = Record<LossCause, number>;

export function noLosses(): LossCounts {
  return { batchQueueFull: 0, queueFull: 0, refused: 0, gaveUp: 0, unencodable: 0, shutdown: 0, exitBudget: 0, senderGone: 0 };
}

export function totalOf(counts: LossCounts): number {
  let total = 0;
  for (const cause of LOSS_CAUSES) total += counts[cause];
  return total;
}

export function difference(now: LossCounts, before: LossCounts): LossCounts {
  const out = noLosses();
  for (const cause of LOSS_CAUSES) out[cause] = now[cause] - before[cause];
  return out;
}

const number = (n: number) => n.toLocaleString("en-US");
const spans = (n: number) => `${number(n)} span${n === 1 ? "" : "s"}`;

/**
 * One line: `1,204 spans not delivered in the last 30 s: 1,180 batch queue
 * full (OTEL_BSP_MAX_QUEUE_SIZE), 24 refused by AxonPush (HTTP 422: …)`.
 * `when` says which window (`in the last 30 s`, `before exit`); `words`
 * holds the server's last words for causes that have them.
 */
export function formatLossLine(counts: LossCounts, when: string, words: Partial<Record<LossCause, string>> = {}): string {
  const parts: string[] = [];
  for (const cause of LOSS_CAUSES) {
    const count = counts[cause];
    if (count <= 0) continue;
    parts.push(`${number(count)} ${DESCRIPTIONS[cause]}${words[cause] ? ` (${words[cause]})` : ""}`);
  }
  return `${spans(totalOf(counts))} not delivered ${when}: ${parts.join(", ")}`;
}
