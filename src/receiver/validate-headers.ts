/**
 * Header checks for the ingest routes, in the order the API applies them:
 * authentication first (401 / 403), then the request's own headers. Which
 * headers carry the key, whether the tenant matters and how a bad content
 * type is answered depend on the imitated version (api-versions.ts).
 * The API key's value never appears in a message.
 */
import type { ApiDialect } from "./api-versions.js";
import { errorReply, type Reply } from "./reply.js";

export interface AuthExpectation {
  apiKey?: string;
  tenantId?: string;
}

/** 1–255 printable ASCII characters (space to tilde). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const PUBLIC_TOKEN_PREFIX = "pt_";

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== "";

function headerNames(dialect: ApiDialect): string {
  return dialect.version === "nest" ? "X-API-Key" : "x-axonpush-api-key or X-API-Key";
}

/** The key the request authenticates with, or the refusal. */
function presentedKey(headers: Record<string, string>, dialect: ApiDialect): string | Reply {
  const token = headers["x-public-token"];
  if (present(token)) {
    if (!token.startsWith(PUBLIC_TOKEN_PREFIX)) {
      return errorReply(401, "unauthorized", "X-Public-Token must be a public ingest token (pt_…)", "check AXONPUSH_API_KEY");
    }
    return token;
  }
  const name = dialect.keyHeaders.find((header) => present(headers[header]));
  if (name === undefined) {
    return errorReply(401, "unauthorized", `missing ${headerNames(dialect)} header`, "set AXONPUSH_API_KEY");
  }
  const key = headers[name]!;
  if (key.startsWith(PUBLIC_TOKEN_PREFIX)) {
    return errorReply(401, "unauthorized", "a public token (pt_…) goes in X-Public-Token, not in an API key header", "check AXONPUSH_API_KEY");
  }
  return key;
}

export function checkAuth(headers: Record<string, string>, expected: AuthExpectation, dialect: ApiDialect): Reply | undefined {
  const key = presentedKey(headers, dialect);
  if (typeof key !== "string") return key;
  if (expected.apiKey !== undefined && key !== expected.apiKey) {
    return errorReply(401, "unauthorized", "invalid API key", "check AXONPUSH_API_KEY");
  }
  if (!dialect.tenantRequired) return undefined; // go: the key implies the organisation
  const tenant = headers["x-tenant-id"];
  if (!present(tenant)) {
    return errorReply(400, "bad_request", "missing x-tenant-id header", "set AXONPUSH_TENANT_ID");
  }
  if (expected.tenantId !== undefined && tenant !== expected.tenantId) {
    return errorReply(403, "forbidden", "API key is not valid for this tenant", "check AXONPUSH_TENANT_ID");
  }
  return undefined;
}

export function checkJsonContentType(headers: Record<string, string>, dialect: ApiDialect): Reply | undefined {
  const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    return errorReply(
      dialect.contentTypeStatus,
      dialect.contentTypeStatus === 415 ? "unsupported_media_type" : "bad_request",
      `Content-Type must be application/json (got ${JSON.stringify(headers["content-type"] ?? "")})`,
    );
  }
  return undefined;
}

/** nest validates the header (1–255 printable ASCII); go does not declare it and ignores it. */
export function checkIdempotencyKey(headers: Record<string, string>, dialect: ApiDialect): Reply | undefined {
  if (dialect.duplicatesBy !== "idempotency-key") return undefined;
  const key = headers["idempotency-key"];
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    return errorReply(
      400,
      "bad_request",
      `Idempotency-Key must be 1-255 printable ASCII characters (got ${key.length} characters)`,
    );
  }
  return undefined;
}

/** With the `channels` option, a channel the org does not have is 404, as the API answers. */
export function checkKnownChannel(channel: string | undefined, channels: ReadonlySet<string> | undefined): Reply | undefined {
  if (channel === undefined || channels === undefined || channels.has(channel)) return undefined;
  return errorReply(404, "not_found", `channel ${JSON.stringify(channel)} not found`, "check AXONPUSH_CHANNEL_ID");
}
