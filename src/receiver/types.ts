/**
 * Public shapes of the local AxonPush-compatible receiver (see
 * /work/shared/axonpush-api.md, "The local receiver"). Tests, the demo,
 * benchmarks and `axonpush-otel dev` all read what the receiver accepted
 * through these types.
 */

/**
 * Which AxonPush API the receiver imitates: `go` is production (the Go/Huma
 * backend), `go-dev` its development line (go + `occurredAt`), `nest` the
 * first backend, which self-hosted installs may still run.
 */
export type AxonPushApiVersion = "go" | "go-dev" | "nest";

/** One accepted `POST /event`, `POST /v1/traces` or `POST /v1/logs` request (after deduplication). */
export interface ReceivedEvent {
  /** The CreateEventDto exactly as sent; for `/v1/traces` and `/v1/logs`, the export request in OTLP/JSON form (hex ids). */
  body: Record<string, any>;
  /** Request headers with lower-cased names. */
  headers: Record<string, string>;
  /** The `Idempotency-Key` header as sent (recorded on every version; only nest acts on it). */
  idempotencyKey?: string;
}

/** Normalised view of one span, whichever ingest it arrived through. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  status: string;
  statusMessage?: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  events: unknown[];
  links: unknown[];
  scope?: { name: string; version?: string };
  via: "event" | "otlp";
}

/**
 * Normalised view of one log record, whichever ingest it arrived through:
 * an `app.log` event (`POST /event`) or OTLP (`POST /v1/logs`).
 */
export interface ReceivedLog {
  /** The trace it belongs to; absent only for an OTLP record written outside any span. */
  traceId?: string;
  /** The record's own id (events only: OTLP records have none). */
  spanId?: string;
  /** The span that was active when it was written: the event's `parentSpanId`, an OTLP record's `spanId`. */
  parentSpanId?: string;
  severityNumber: number;
  severityText: string;
  /** A string for events; for OTLP the body as OTLP/JSON's AnyValue reads (a string mostly). */
  body: unknown;
  timeUnixNano: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  /** The event's `identifier` (events only). */
  identifier?: string;
  /** The event's `metadata.framework` (events only). */
  framework?: string;
  /** The OTLP record's instrumentation scope (OTLP only). */
  scope?: { name: string; version?: string };
  via: "event" | "otlp";
}

/**
 * Which OTLP encodings `/v1/traces` takes: `any` (protobuf and JSON, as
 * AxonPush documents) or `json-only` (protobuf answered 415, as a deployment
 * following AxonPush's page that says only JSON-encoded OTLP is accepted).
 */
export type OtlpIngestMode = "any" | "json-only";

/** Applied to the next requests, in order, before they are validated. */
export interface FailureRule {
  /** Answer with this status (503 when only `retryAfter` is given). */
  status?: number;
  /** `Retry-After` header value. */
  retryAfter?: string;
  /** Wait this long before answering (or before hanging up / processing normally). */
  delayMs?: number;
  /** Never answer; the connection is only released by `close()`. */
  hang?: boolean;
  /** Drop the connection without answering. */
  destroy?: boolean;
  /** Store the request as accepted (it counts in events/spans), then destroy the connection without answering. */
  storeThenDrop?: boolean;
  /** How many requests this rule applies to (default 1). */
  times?: number;
}

/** One HTTP request as it arrived, whatever became of it. */
export interface ReceivedTry {
  readonly path: string;
  /** The `Idempotency-Key` header, when sent. */
  readonly idempotencyKey?: string;
  /** `Date.now()` when the request's headers arrived. */
  readonly at: number;
}

export interface Rejection {
  status: number;
  message: string;
}

export interface LocalReceiver {
  /** The API version this receiver imitates. */
  readonly api: AxonPushApiVersion;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Accepted, deduplicated, in arrival order. */
  readonly events: ReceivedEvent[];
  /** Every HTTP request seen, including failed and rejected ones. */
  readonly requestCount: number;
  /** The same requests, in arrival order: path, Idempotency-Key and time of each try. */
  readonly tries: readonly ReceivedTry[];
  /** Requests refused because they broke the contract (not injected failures). */
  readonly rejections: Rejection[];
  /** The most connections that were open at once (since the start or the last reset). */
  readonly peakConnections: number;
  spans(): ReceivedSpan[];
  waitForSpans(
    countOrPredicate: number | ((spans: ReceivedSpan[]) => boolean),
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>;
  /** Log records accepted (`app.log` events and `/v1/logs`), in arrival order. */
  logs(): ReceivedLog[];
  waitForLogs(countOrPredicate: number | ((logs: ReceivedLog[]) => boolean), timeoutMs?: number): Promise<ReceivedLog[]>;
  failNext(rule: FailureRule): void;
  /** While down, every connection is destroyed as soon as it opens. */
  setDown(down: boolean): void;
  /** Forgets events, spans, rejections, Idempotency-Keys and dedupKeys seen, failure rules, and requests a delay rule still holds (their connections closed); comes back up. */
  reset(): void;
  close(): Promise<void>;
}

export interface LocalReceiverOptions {
  /** The API version to imitate (default `go`, the production API). */
  api?: AxonPushApiVersion;
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** When given, any other key is answered 401, like the API (every version). */
  apiKey?: string;
  /** nest: `x-tenant-id` is always required, and when given any other tenant is answered 403. go: the header is ignored. */
  tenantId?: string;
  /** When given, a `channel_id` / `X-Axonpush-Channel` not in the list is answered 404 (every version). */
  channels?: readonly string[];
  /** Default `any`. */
  otlp?: OtlpIngestMode;
  onSpan?: (span: ReceivedSpan, event: ReceivedEvent) => void;
  onLog?: (log: ReceivedLog, event: ReceivedEvent) => void;
  /** Called for each request refused for breaking the contract (not for injected failures). */
  onRejection?: (rejection: Rejection) => void;
}
