/**
 * What differs between the AxonPush API versions the receiver imitates, as
 * plain data (from /work/shared/axonpush-api.md). Routes and validators read
 * these flags instead of testing version names, so each rule is stated once.
 */
import type { AxonPushApiVersion } from "./types.js";

export interface ApiDialect {
  readonly version: AxonPushApiVersion;
  /** Error bodies: nest `{ code, message, hint?, requestId }`, go RFC 7807 problem+json. */
  readonly errorShape: "nest" | "problem";
  /** Headers that may carry a secret key (`ak_…` and other non-`pt_` keys), in the order they are read. */
  readonly keyHeaders: readonly string[];
  /** nest needs `x-tenant-id` (400 without, 403 for another tenant); go ignores it (the key implies the org). */
  readonly tenantRequired: boolean;
  /** Properties the `POST /event` body may have; any other is refused by name. */
  readonly declaredProperties: ReadonlySet<string>;
  /** Status for a body that fails validation (nest's ValidationPipe 400, Huma's 422). */
  readonly validationStatus: 400 | 422;
  /** Status for a `Content-Type` other than JSON. */
  readonly contentTypeStatus: 400 | 415;
  /** nest: `channel_id` required; go: optional (the org's default channel). */
  readonly channelRequired: boolean;
  /** nest: `eventType` is an enum; go: any non-empty string. */
  readonly eventTypeIsEnum: boolean;
  /** `/v1/traces`: nest needs `X-Axonpush-Channel`; go routes to the default trace channel without it. */
  readonly otlpChannelRequired: boolean;
  /** How a repeated request is recognised: nest by `Idempotency-Key`, go by the body's `dedupKey`. */
  readonly duplicatesBy: "idempotency-key" | "dedup-key";
}

/** Declared by every version. */
const COMMON_PROPERTIES = [
  "identifier",
  "payload",
  "channel_id",
  "eventType",
  "traceId",
  "spanId",
  "parentSpanId",
  "metadata",
  "agentId",
  "sync",
];

const nest: ApiDialect = {
  version: "nest",
  errorShape: "nest",
  keyHeaders: ["x-api-key"],
  tenantRequired: true,
  declaredProperties: new Set([...COMMON_PROPERTIES, "environment", "parentEventId"]),
  validationStatus: 400,
  contentTypeStatus: 400,
  channelRequired: true,
  eventTypeIsEnum: true,
  otlpChannelRequired: true,
  duplicatesBy: "idempotency-key",
};

const go: ApiDialect = {
  version: "go",
  errorShape: "problem",
  keyHeaders: ["x-axonpush-api-key", "x-api-key"],
  tenantRequired: false,
  declaredProperties: new Set([...COMMON_PROPERTIES, "dedupKey"]),
  validationStatus: 422,
  contentTypeStatus: 415,
  channelRequired: false,
  eventTypeIsEnum: false,
  otlpChannelRequired: false,
  duplicatesBy: "dedup-key",
};

const goDev: ApiDialect = {
  ...go,
  version: "go-dev",
  declaredProperties: new Set([...go.declaredProperties, "occurredAt"]),
};

const DIALECTS: Record<AxonPushApiVersion, ApiDialect> = { go, "go-dev": goDev, nest };

export const API_VERSIONS = Object.keys(DIALECTS) as AxonPushApiVersion[];

export function isApiVersion(value: unknown): value is AxonPushApiVersion {
  return typeof value === "string" && Object.hasOwn(DIALECTS, value);
}

/** The dialect for `version` (default go); throws a RangeError naming the versions for anything else. */
export function dialectFor(version: AxonPushApiVersion | undefined): ApiDialect {
  const chosen = version ?? "go";
  if (!isApiVersion(chosen)) {
    throw new RangeError(`api must be one of ${API_VERSIONS.join(", ")} (got ${JSON.stringify(version)})`);
  }
  return DIALECTS[chosen];
}
