/**
 * The last chance, in Node's synchronous `exit` event (`process.exit(code)`,
 * an uncaught exception, or the end of a natural exit): gather every span
 * that has ended but is not confirmed delivered, and send it synchronously
 * within the deadline.
 *
 * Two places hold such spans:
 * - the AxonPush exporter's queue and its in-flight requests
 *   (`pendingRequests()`): resent with their own Idempotency-Keys and
 *   dedupKeys, so one the server already stored is recognised as a
 *   duplicate, not stored twice (without the properties the server refused
 *   by name, under the same derived key the exporter used);
 * - spans ended but never handed to the exporter, still in the batch
 *   processor's buffer (`PendingSpanProcessor`): prepared now.
 */
import type { OutgoingRequest } from "../transport/types.js";
import { withoutRefused } from "../transport/optional-properties.js";
import { inServerEncoding, otlpEncodingsOf } from "../transport/otlp-encodings.js";
import { refusalsOf } from "../transport/refused-properties.js";
import { logger } from "../diag.js";
import { sendSynchronously, type ResolvedRequest, type SyncSendResult } from "./sync-sender.js";
import type { ExitExporter } from "./types.js";
import type { PendingSpanProcessor } from "./pending-span-processor.js";

export interface ExitDeliveryInputs {
  exporter: ExitExporter;
  pendingSpans?: PendingSpanProcessor;
}

/** Everything still undelivered, as ready-to-send requests. Never throws. */
export function collectUndelivered(inputs: ExitDeliveryInputs): ResolvedRequest[] {
  const { exporter, pendingSpans } = inputs;
  const requests: OutgoingRequest[] = [];
  try {
    requests.push(...exporter.pendingRequests());
  } catch (error) {
    logger.debug(`exit: could not read the exporter's queue: ${describe(error)}`);
  }
  const spans = pendingSpans?.pendingSpans() ?? [];
  if (spans.length > 0) {
    try {
      requests.push(...exporter.prepare(spans));
      // They now live in these requests; a second exit pass must not send them again.
      pendingSpans?.markHandedOff(spans);
    } catch (error) {
      logger.debug(`exit: could not prepare ${spans.length} pending spans: ${describe(error)}`);
    }
  }
  const refused = refusalsOf(exporter.client.baseUrl).names;
  // Queued as protobuf before the server said JSON only: sent as JSON (the worker cannot switch by itself).
  const encodings = otlpEncodingsOf(exporter.client.baseUrl);
  return requests.map((request) => resolve(exporter, withoutRefused(inServerEncoding(request, encodings), refused)));
}

export function deliverSynchronously(inputs: ExitDeliveryInputs, timeoutMs: number): SyncSendResult {
  const requests = collectUndelivered(inputs);
  if (requests.length === 0) return { kind: "sent", accepted: 0, elapsedMs: 0 };
  const result = sendSynchronously(requests, timeoutMs);
  logger.debug(`exit: ${requests.length} requests sent synchronously: ${JSON.stringify(result)}`);
  return result;
}

function resolve(exporter: ExitExporter, request: OutgoingRequest): ResolvedRequest {
  return {
    url: exporter.client.baseUrl + request.path,
    headers: exporter.client.headersFor(request, exporter.environment),
    body: request.body,
    ...(request.optional ? { optional: request.optional } : {}),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
