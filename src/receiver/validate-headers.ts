/**
 * Header checks for the ingest routes, in the order the API applies them:
 * authentication first (401 / 403), then the request's own headers (400).
 * The API key's value never appears in a message.
 */
import { errorReply, type Reply } from "./reply.js";

export interface AuthExpectation {
  apiKey?: string;
  tenantId?: string;
}

/** 1–255 printable ASCII characters (space to tilde). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

export function checkAuth(headers: Record<string, string>, expected: AuthExpectation): Reply | undefined {
  const key = headers["x-api-key"];
  if (key === undefined || key.trim() === "") {
    return errorReply(401, "unauthorized", "missing X-API-Key header", "set AXONPUSH_API_KEY");
  }
  if (expected.apiKey !== undefined && key !== expected.apiKey) {
    return errorReply(401, "unauthorized", "invalid API key", "check AXONPUSH_API_KEY");
  }
  const tenant = headers["x-tenant-id"];
  if (tenant === undefined || tenant.trim() === "") {
    return errorReply(400, "bad_request", "missing x-tenant-id header", "set AXONPUSH_TENANT_ID");
  }
  if (expected.tenantId !== undefined && tenant !== expected.tenantId) {
    return errorReply(403, "forbidden", "API key is not valid for this tenant", "check AXONPUSH_TENANT_ID");
  }
  return undefined;
}

export function checkJsonContentType(headers: Record<string, string>): Reply | undefined {
  const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    return errorReply(
      400,
      "bad_request",
      `Content-Type must be application/json (got ${JSON.stringify(headers["content-type"] ?? "")})`,
    );
  }
  return undefined;
}

export function checkIdempotencyKey(headers: Record<string, string>): Reply | undefined {
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
