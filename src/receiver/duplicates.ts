/**
 * How each version recognises a request it has seen before.
 *
 * nest (Stripe-style `Idempotency-Key`): the first request under a key binds
 * the key to its body; the same body again replays the stored answer, a
 * different body is refused (422 `idempotency_error`). The key stays bound
 * even when that first body was refused, so a client that leaves a refused
 * property out must send the new body under a new key, as the contract says.
 *
 * go (`dedupKey` in the body): events sharing a key are collapsed; the first
 * one's `eventId` answers for all of them. `Idempotency-Key` is ignored.
 */
import { createHash } from "node:crypto";
import { errorReply, type Reply } from "./reply.js";

export interface CachedAnswer {
  status: number;
  body: Record<string, unknown>;
}

export type Claim = { kind: "new" } | { kind: "replay"; answer: CachedAnswer } | { kind: "conflict" };

/** JSON with sorted keys, so the same body sent again matches whatever order its properties come in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function fingerprintOf(body: unknown): string {
  const text = Buffer.isBuffer(body) ? body : canonicalJson(body);
  return createHash("sha256").update(text).digest("hex");
}

/** nest's answer to a key reused with another body. */
export function idempotencyConflict(key: string): Reply {
  return errorReply(422, "idempotency_error", `Idempotency-Key ${JSON.stringify(key)} was used with a different request body`);
}

export class IdempotencyKeys {
  private readonly keys = new Map<string, { fingerprint: string; answer?: CachedAnswer }>();

  /** `scope` keeps the routes apart (a key used on /event says nothing about /v1/traces). */
  claim(scope: string, key: string, fingerprint: string): Claim {
    const id = `${scope} ${key}`;
    const known = this.keys.get(id);
    if (!known) {
      this.keys.set(id, { fingerprint });
      return { kind: "new" };
    }
    if (known.fingerprint !== fingerprint) return { kind: "conflict" };
    return known.answer ? { kind: "replay", answer: known.answer } : { kind: "new" };
  }

  remember(scope: string, key: string, answer: CachedAnswer): void {
    const known = this.keys.get(`${scope} ${key}`);
    if (known) known.answer = answer;
  }

  clear(): void {
    this.keys.clear();
  }
}

export class DedupKeys {
  private readonly firstEventIds = new Map<string, string>();

  firstEventId(dedupKey: string): string | undefined {
    return this.firstEventIds.get(dedupKey);
  }

  remember(dedupKey: string, eventId: string): void {
    this.firstEventIds.set(dedupKey, eventId);
  }

  clear(): void {
    this.firstEventIds.clear();
  }
}
