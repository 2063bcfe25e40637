/**
 * Bodies whose optional properties can be left out without serialising the
 * event again. A server that does not declare a property refuses the whole
 * event (the first backend refuses `dedupKey`, the current one `environment`),
 * so once a server has refused a property by name, every body for it is sent
 * without: `head` plus the fragments still wanted plus `}`.
 *
 * A body without some properties is a different request, so it gets a
 * different Idempotency-Key (a server that replays on the key refuses a key
 * reused with another body), derived from the full body's key and the names
 * left out: the same event without the same properties always has the same
 * key, whoever sends it (a retry, another in-flight send, the exit path).
 *
 * `assembleBody`, `leftOutNames` and `variantKey` must stay self-contained
 * (no imports, no helpers, no nested functions): the exit-time worker thread
 * embeds their source text (src/exit/sync-sender-worker.ts).
 */
import type { OptionalProperties, OutgoingRequest } from "./types.js";

/** The JSON body without the `leftOut` properties. */
export function assembleBody(
  head: string,
  fragments: readonly (readonly [string, string])[],
  leftOut: readonly string[],
): string {
  let body = head;
  for (const [name, fragment] of fragments) {
    if (leftOut.indexOf(name) === -1) body += fragment;
  }
  return body + "}";
}

/** The optional properties of `fragments` that `refused` names, in body order (so keys derive the same way everywhere). */
export function leftOutNames(fragments: readonly (readonly [string, string])[], refused: ReadonlySet<string>): string[] {
  const names: string[] = [];
  for (const [name] of fragments) {
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
  return names.every(
    (name) => !optional.leftOut.includes(name) && optional.fragments.some(([fragmentName]) => fragmentName === name),
  );
}

/** The request as it must be sent to a server that refused `refused`: the same object when nothing changes. */
export function withoutRefused(request: OutgoingRequest, refused: ReadonlySet<string>): OutgoingRequest {
  const optional = request.optional;
  if (!optional || refused.size === 0) return request;
  const leftOut = leftOutNames(optional.fragments, new Set([...optional.leftOut, ...refused]));
  if (leftOut.length === optional.leftOut.length) return request;
  return variant(request, optional, leftOut);
}

function variant(request: OutgoingRequest, optional: OptionalProperties, leftOut: string[]): OutgoingRequest {
  return {
    ...request,
    body: assembleBody(optional.head, optional.fragments, leftOut),
    idempotencyKey: variantKey(optional.baseKey, leftOut),
    optional: { ...optional, leftOut },
  };
}

/** A request whose body is `head` + fragments, leaving out those `refused` already names. */
export function requestFromParts(
  base: Omit<OutgoingRequest, "body" | "idempotencyKey" | "optional">,
  parts: Omit<OptionalProperties, "leftOut">,
  refused: ReadonlySet<string>,
): OutgoingRequest {
  const leftOut = refused.size === 0 ? [] : leftOutNames(parts.fragments, refused);
  return {
    ...base,
    body: assembleBody(parts.head, parts.fragments, leftOut),
    idempotencyKey: variantKey(parts.baseKey, leftOut),
    optional: { head: parts.head, fragments: parts.fragments, baseKey: parts.baseKey, leftOut },
  };
}
