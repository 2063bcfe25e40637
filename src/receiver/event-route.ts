/**
 * `POST /event`: one event per request, checked and answered as the imitated
 * version does. nest answers 201 `{ id, eventId, identifier, dedupKey,
 * createdAt, queued, duplicate? }` and replays on `Idempotency-Key`; go
 * answers 200 `{ eventId, status }` and collapses events sharing a `dedupKey`.
 * Either way a retried request is never stored twice. `app.span` and
 * `app.log` payloads are checked as our exporter must build them.
 */
import { randomUUID } from "node:crypto";
import type { ApiDialect } from "./api-versions.js";
import { fingerprintOf, idempotencyConflict, type CachedAnswer } from "./duplicates.js";
import { logFromEvent } from "./normalise-log.js";
import { spanFromEvent } from "./normalise-span.js";
import { errorReply, type Reply } from "./reply.js";
import type { Route, RouteContext } from "./route.js";
import type { ReceivedEvent } from "./types.js";
import { validateEventBody } from "./validate-event.js";
import { checkAuth, checkIdempotencyKey, checkJsonContentType, checkKnownChannel } from "./validate-headers.js";
import { validateLogEvent } from "./validate-log-payload.js";
import { validateSpanEvent } from "./validate-span-payload.js";

const SCOPE = "/event";

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

function checkBody(body: unknown, context: RouteContext): Reply | undefined {
  const problem = validateEventBody(body, context.dialect);
  if (problem) return problem;
  const event = body as Record<string, unknown>;
  return (
    checkKnownChannel(event.channel_id as string | undefined, context.channels) ??
    (event.eventType === "app.span" ? validateSpanEvent(event) : event.eventType === "app.log" ? validateLogEvent(event) : undefined)
  );
}

function successAnswer(dialect: ApiDialect, body: Record<string, unknown>, idempotencyKey: string | undefined): CachedAnswer {
  const eventId = randomUUID();
  if (dialect.errorShape === "problem") return { status: 200, body: { eventId, status: "queued" } };
  return {
    status: 201,
    body: {
      id: randomUUID(),
      eventId,
      identifier: body.identifier,
      dedupKey: idempotencyKey ?? eventId,
      createdAt: new Date().toISOString(),
      // `sync: true` asks nest to persist before answering, so nothing is left queued.
      queued: body.sync !== true,
    },
  };
}

function handleEvent(context: RouteContext): Reply {
  const { headers, store, dialect } = context;
  const headerProblem =
    checkAuth(headers, context.auth, dialect) ?? checkJsonContentType(headers, dialect) ?? checkIdempotencyKey(headers, dialect);
  if (headerProblem) return headerProblem;

  const parsed = parseJson(context.body);
  if (!parsed.ok) return errorReply(400, "bad_request", "body is not valid JSON");
  const idempotencyKey = headers["idempotency-key"];
  const byKey = dialect.duplicatesBy === "idempotency-key" && idempotencyKey !== undefined;
  if (byKey) {
    const claim = store.idempotencyKeys.claim(SCOPE, idempotencyKey, fingerprintOf(parsed.value));
    if (claim.kind === "conflict") return idempotencyConflict(idempotencyKey);
    if (claim.kind === "replay") return { status: claim.answer.status, body: { ...claim.answer.body, duplicate: true } };
  }
  const bodyProblem = checkBody(parsed.value, context);
  if (bodyProblem) return bodyProblem;
  const body = parsed.value as Record<string, unknown>;

  const dedupKey = dialect.duplicatesBy === "dedup-key" ? (body.dedupKey as string | undefined) : undefined;
  const firstEventId = dedupKey === undefined ? undefined : store.dedupKeys.firstEventId(dedupKey);
  if (firstEventId !== undefined) return { status: 200, body: { eventId: firstEventId, status: "duplicate" } };

  const answer = successAnswer(dialect, body, idempotencyKey);
  const event: ReceivedEvent = { body, headers: { ...headers } };
  if (idempotencyKey !== undefined) event.idempotencyKey = idempotencyKey;
  store.accept(event, body.eventType === "app.span" ? [spanFromEvent(body)] : [], body.eventType === "app.log" ? [logFromEvent(body)] : []);
  if (byKey) store.idempotencyKeys.remember(SCOPE, idempotencyKey, answer);
  if (dedupKey !== undefined) store.dedupKeys.remember(dedupKey, answer.body.eventId as string);
  return answer;
}

export const eventRoute: Route = { method: "POST", path: "/event", handle: handleEvent };
