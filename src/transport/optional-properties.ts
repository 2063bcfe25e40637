/**
 * Bodies without the optional properties a server refused. A server that does
 * not declare a property refuses the whole event (the first backend refuses
 * `dedupKey`, the current one `environment`), so once a server has refused a
 * property by name, every body for it is sent without: new requests are built
 * without it (one serialisation, as always), and requests built before the
 * refusal are rebuilt once (parse, delete, serialise: the rare path, at most
 * once per queued request and refused property).
 *
 * A body without some properties is a different request, so it gets a
 * different Idempotency-Key (a server that replays on the key refuses a key
 * reused with another body), derived from the full body's key and the names
 * left out: the same event without the same properties always has the same
 * body and the same key, whoever sends it (a retry, the exit path).
 *
 * `bodyWithout`, `leftOutNames`, `variantKey` and `carriesOptional` must stay
 * self-contained (no imports, no helpers, no nested functions): the exit-time
 * worker thread embeds their source text (src/exit/sync-sender-worker.ts).
 */
import type { OutgoingRequest } from "./types.js";

/** The JSON body without the top-level properties `names`. */
export function bodyWithout(body: string, names: readonly string[]): string {
  const parsed = JSON.parse(body);
  for (const name of names) delete parsed[name];
  return JSON.stringify(parsed);
}

/** The names of `optional` that are in `refused`, in `optional`'s order (so keys derive the same way everywhere). */
export function leftOutNames(optional: readonly string[], refused: ReadonlySet<string>): string[] {
  const names: string[] = [];
  for (const name of optional) {
    if (refused.has(name)) names.push(name);
  }
  return names;
}

/** Printable ASCII, far under the 255 characters an Idempotency-Key may have. */
export function variantKey(baseKey: string, leftOut: readonly string[]): string {
  return leftOut.length === 0 ? baseKey : baseKey + "~without-" + leftOut.join("-");
}

/** Whether the request's body still carries every one of `names` as an optional property. */
export function carriesOptional(request: OutgoingRequest, names: readonly string[]): boolean {
  const optional = request.optional;
  if (!optional || names.length === 0) return false;
  return names.every((name) => optional.names.includes(name) && !optional.leftOut.includes(name));
}

/** The request as it must be sent to a server that refused `refused`: the same object when nothing changes. */
export function withoutRefused(request: OutgoingRequest, refused: ReadonlySet<string>): OutgoingRequest {
  const optional = request.optional;
  if (!optional || refused.size === 0 || typeof request.body !== "string") return request;
  const leftOut = leftOutNames(optional.names, new Set([...optional.leftOut, ...refused]));
  if (leftOut.length === optional.leftOut.length) return request;
  return {
    ...request,
    body: bodyWithout(request.body, leftOut.filter((name) => !optional.leftOut.includes(name))),
    idempotencyKey: variantKey(optional.baseKey, leftOut),
    optional: { ...optional, leftOut },
  };
}
