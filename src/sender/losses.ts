/**
 * Every span (and every log record) that will never reach AxonPush is
 * counted here, by why, so none is lost without a word
 * (delivery-reporter.ts says it). Each cause names the variable that would
 * help, where one would; spans and log records are counted apart and said
 * in their own words (`SPANS`, `LOG_RECORDS`).
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
  exitBudget: "unsent or unanswered when the exit budget ran out (AXONPUSH_SHUTDOWN_TIMEOUT_MS)",
  shutdown: "unsent or unanswered at shutdown (AXONPUSH_SHUTDOWN_TIMEOUT_MS)",
  unencodable: "could not be encoded",
  senderGone: "held by the sender thread when it stopped",
};

export type LossCounts = Record<LossCause, number>;

/** What is counted: how to name it, and the causes whose words differ from the spans' ones. */
export interface LossSignal {
  /** `1 span`, `2 log records`. */
  readonly count: (n: number) => string;
  /** `spans`, `log records`: the debug counters' word. */
  readonly plural: string;
  readonly descriptions?: Partial<Record<LossCause, string>>;
}

export const SPANS: LossSignal = { count: (n) => `${number(n)} span${n === 1 ? "" : "s"}`, plural: "spans" };

/** Log records have their own budget (AXONPUSH_LOG_QUEUE_SIZE), never the spans' one. */
export const LOG_RECORDS: LossSignal = {
  count: (n) => `${number(n)} log record${n === 1 ? "" : "s"}`,
  plural: "log records",
  descriptions: { queueFull: "sender log queue full (AXONPUSH_LOG_QUEUE_SIZE)" },
};

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

function number(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * One line: `1,204 spans not delivered in the last 30 s: 1,180 batch queue
 * full (OTEL_BSP_MAX_QUEUE_SIZE), 24 refused by AxonPush (HTTP 422: …)`.
 * `when` says which window (`in the last 30 s`, `before exit`); `words`
 * holds the server's last words for causes that have them.
 */
export function formatLossLine(
  counts: LossCounts,
  when: string,
  words: Partial<Record<LossCause, string>> = {},
  signal: LossSignal = SPANS,
): string {
  const parts: string[] = [];
  for (const cause of LOSS_CAUSES) {
    const count = counts[cause];
    if (count <= 0) continue;
    const description = signal.descriptions?.[cause] ?? DESCRIPTIONS[cause];
    parts.push(`${number(count)} ${description}${words[cause] ? ` (${words[cause]})` : ""}`);
  }
  return `${signal.count(totalOf(counts))} not delivered ${when}: ${parts.join(", ")}`;
}
