/**
 * `POST /event`: one CreateEventDto per request, answered like the API
 * (201 with `{ id, eventId, identifier, dedupKey, createdAt, queued }`),
 * with Idempotency-Key replay so a retried request is never stored twice.
 */
import { randomUUID } from "node:crypto";
import { errorReply, type Reply } from "./reply.js";
import { spanFromEvent } from "./normalise-span.js";
import type { Route, RouteContext } from "./route.js";
import type { ReceivedEvent } from "./types.js";
import { validateEventBody } from "./validate-event.js";
import { checkAuth, checkIdempotencyKey, checkJsonContentType } from "./validate-headers.js";
import { validateSpanEvent } from "./validate-span-payload.js";

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

function handleEvent(context: RouteContext): Reply {
  const { headers, store } = context;
  const headerProblem = checkAuth(headers, context.auth) ?? checkJsonContentType(headers) ?? checkIdempotencyKey(headers);
  if (headerProblem) return headerProblem;

  const parsed = parseJson(context.body);
  if (!parsed.ok) return errorReply(400, "bad_request", "body is not valid JSON");
  const bodyProblem = validateEventBody(parsed.value);
  if (bodyProblem) return bodyProblem;
  const body = parsed.value as Record<string, unknown>;
  const isSpan = body.eventType === "app.span";
  if (isSpan) {
    const spanProblem = validateSpanEvent(body);
    if (spanProblem) return spanProblem;
  }

  const idempotencyKey = headers["idempotency-key"];
  const cached = store.cachedAnswer(idempotencyKey);
  if (cached) return { status: cached.status, body: { ...cached.body, duplicate: true } };

  const eventId = randomUUID();
  const answer = {
    id: randomUUID(),
    eventId,
    identifier: body.identifier,
    dedupKey: idempotencyKey ?? eventId,
    createdAt: new Date().toISOString(),
    // `sync: true` asks the server to persist before answering, so nothing is left queued.
    queued: body.sync !== true,
  };
  const event: ReceivedEvent = { body, headers: { ...headers } };
  if (idempotencyKey !== undefined) event.idempotencyKey = idempotencyKey;
  store.accept(event, isSpan ? [spanFromEvent(body)] : [], { status: 201, body: answer });
  return { status: 201, body: answer };
}

export const eventRoute: Route = { method: "POST", path: "/event", handle: handleEvent };
