/**
 * The transport contract shared by the exporter, the retry policy and the
 * exit-time sender. A transport never throws and never rejects: it turns one
 * prepared request into a result, and everything else (retries, deadlines,
 * concurrency) is a separate piece wrapped around it.
 */

/** One request, fully prepared: what to POST and where, relative to the client's base URL. */
export interface OutgoingRequest {
  /** Path under the base URL, e.g. `/event` (or `/v1/traces` for the OTLP transport). */
  readonly path: string;
  /** Content type of `body`, e.g. `application/json`. */
  readonly contentType: string;
  /** The serialised body. */
  readonly body: string | Uint8Array;
  /**
   * Stays the same across every retry of this request (and across the
   * exit-time resend), so the server never stores it twice.
   */
  readonly idempotencyKey: string;
  /** How many spans this request carries (for drop and delivery counts). */
  readonly spanCount: number;
  /**
   * Headers this request needs beyond the client's own (e.g. `X-Axonpush-Channel`
   * for `/v1/traces`), so any sender, the exit path included, sends them.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * For a JSON body: its top-level properties that a server may refuse by
   * name (one API version declares them, another does not) and that may be
   * left out (see optional-properties.ts).
   */
  readonly optional?: OptionalProperties;
  /**
   * For an OTLP protobuf body sent to a server whose encodings are not known
   * yet: the same batch as OTLP/JSON (same spans, key derived from this one),
   * built on first call and the same object after. A server that refuses
   * protobuf gets it instead (see otlp-encodings.ts). A function: resolve it
   * before a request crosses into a worker thread.
   */
  readonly asJson?: () => OutgoingRequest;
}

/** Plain data (no functions), so it crosses into the exit-time sender's worker thread. */
export interface OptionalProperties {
  /** The optional top-level properties of the full body, in body order. */
  readonly names: readonly string[];
  /** The Idempotency-Key of the full body; a body without some of `names` derives its key from it. */
  readonly baseKey: string;
  /** Those of `names` this request's body leaves out (the server refused them). */
  readonly leftOut: readonly string[];
}

export type SendResult =
  /** `body`: the answer's bytes when it had any (an OTLP response may report partially rejected spans). */
  | { readonly kind: "success"; readonly status: number; readonly body?: Uint8Array }
  /**
   * Never retried: 400, 401, 403, 404, 422, or a request that cannot be built.
   * `refusedProperties`: the body properties a 400 / 422 refused by name as undeclared.
   */
  | { readonly kind: "failure"; readonly status?: number; readonly message: string; readonly refusedProperties?: readonly string[] }
  /** Worth another try: 408, 429, 5xx, timeouts, connection errors. */
  | {
      readonly kind: "retryable";
      readonly status?: number;
      readonly message: string;
      /** From `Retry-After`, already converted to milliseconds. */
      readonly retryAfterMs?: number;
    };

export interface Transport {
  /** Sends once. Resolves with a result; never rejects. */
  send(request: OutgoingRequest): Promise<SendResult>;
  /** Releases sockets; later sends resolve as failures. */
  close(): void;
}
