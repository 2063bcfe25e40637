/**
 * Sends an OTLP batch again as JSON when the server refuses protobuf.
 *
 * A server that takes only OTLP/JSON answers a protobuf body with 415 (or a
 * 400 naming the content type), and without this every batch would be lost.
 * On such an answer to a request that can become JSON (`asJson`, see
 * otlp-encodings.ts), the server is remembered as JSON-only for the rest of
 * the process (every later request is built as JSON; those built before are
 * turned into JSON here) and the refused batch is sent again as JSON, with
 * the full retry policy of the inner transport. Nothing is reported: the
 * spans are delivered; one debug line says what happened.
 */
import { logger } from "../diag.js";
import { inServerEncoding, type ServerOtlpEncodings } from "./otlp-encodings.js";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

/** Words of a 400 that is about the body's encoding, not its content. */
const ENCODING_WORDS = /content[- ]?type|media[- ]type|protobuf|\bjson\b/i;

/** 415, or a 400 whose message names the content type or an encoding. */
export function refusesOtlpEncoding(result: SendResult): boolean {
  if (result.kind !== "failure") return false;
  return result.status === 415 || (result.status === 400 && ENCODING_WORDS.test(result.message));
}

export class OtlpJsonFallbackTransport implements Transport {
  readonly #inner: Transport;
  readonly #encodings: ServerOtlpEncodings;

  constructor(inner: Transport, encodings: ServerOtlpEncodings) {
    this.#inner = inner;
    this.#encodings = encodings;
  }

  send(request: OutgoingRequest): Promise<SendResult> {
    // Built before the server said JSON only: send it as JSON rather than collect a certain refusal.
    const current = inServerEncoding(request, this.#encodings);
    // Already JSON, or in the encoding the user chose (every event): nothing to switch, so nothing of this
    // layer waits on the answer (one promise less for each of the events transport's one request a span).
    if (!current.asJson) return this.#inner.send(current);
    return this.#sendSwitchable(current);
  }

  async #sendSwitchable(current: OutgoingRequest): Promise<SendResult> {
    const result = await this.#inner.send(current);
    if (result.kind === "success") {
      this.#encodings.learnProtobufAccepted();
      return result;
    }
    if (!refusesOtlpEncoding(result)) return result;
    if (this.#encodings.learnJsonOnly()) {
      logger.debug(
        // Not the server's own words: they are not scrubbed here, and the status says it all.
        `${this.#encodings.server} refused OTLP protobuf (HTTP ${result.status}); sending OTLP/JSON from now on, this batch included`,
      );
    }
    const json = inServerEncoding(current, this.#encodings);
    return json === current ? result : this.#inner.send(json);
  }

  close(): void {
    this.#inner.close();
  }
}
