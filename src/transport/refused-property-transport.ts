/**
 * Sends an event again without the properties a server refused by name.
 *
 * API versions disagree on which optional properties they declare (the first
 * backend refuses `dedupKey`, the current one would refuse anything new), and
 * a refusal loses the whole span. When an answer refuses only properties the
 * request may leave out, this remembers them for the server (every later
 * request is built or rebuilt without them, see refused-properties.ts) and
 * sends the request again without them, under its new Idempotency-Key, with
 * the full retry policy of the inner transport. Nothing is reported: the span
 * is delivered; one debug line says what the server refused.
 *
 * Each send looks after its own request, so many requests refused at once are
 * each sent again exactly once per refused property, and none is lost.
 */
import { logger } from "../diag.js";
import { carriesOptional, withoutRefused } from "./optional-properties.js";
import type { ServerRefusals } from "./refused-properties.js";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

export class RefusedPropertyTransport implements Transport {
  readonly #inner: Transport;
  readonly #refusals: ServerRefusals;

  constructor(inner: Transport, refusals: ServerRefusals) {
    this.#inner = inner;
    this.#refusals = refusals;
  }

  async send(request: OutgoingRequest): Promise<SendResult> {
    // Built before the server refused something: leave it out now rather than collect a certain refusal.
    let current = withoutRefused(request, this.#refusals.names);
    for (;;) {
      const result = await this.#inner.send(current);
      if (result.kind !== "failure") return result;
      const refused = result.refusedProperties;
      if (!refused || !carriesOptional(current, refused)) return result;
      const learned = this.#refusals.learn(refused);
      if (learned.length > 0) {
        const one = learned.length === 1;
        logger.debug(
          // Not the server's own words: they are not scrubbed here, and the names say it all.
          `${this.#refusals.server} refused the body propert${one ? "y" : "ies"} ${learned.join(", ")} (HTTP ${result.status}); ` +
            `leaving ${one ? "it" : "them"} out from now on and sending again`,
        );
      }
      const next = withoutRefused(current, this.#refusals.names);
      // carriesOptional() promised a change; should it not happen, never loop.
      if (next === current) return result;
      current = next;
    }
  }

  close(): void {
    this.#inner.close();
  }
}
