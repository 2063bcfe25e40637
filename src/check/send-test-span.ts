/**
 * Sends the test span once, exactly as the preload would, with the sender's
 * own code (dist/sender.cjs, loaded here): the span becomes its final
 * request the way a lane builds it (`prepareRequests`, so nothing is queued
 * and no warning is printed behind our back), and the lane's transport stack
 * sends it (auth headers, refused-property resend, OTLP sent again as JSON
 * to a server that refuses protobuf, one try: a check reports what the
 * server said rather than retrying it away). Bounded: each try stops at the
 * configured timeout, and a watchdog answers if anything hangs anyway.
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { AxonPushOtelConfig } from "../config/index.js";
import { resolveExporterSettings } from "../exporter/options.js";
import { clientFor, exporterOptionsFor } from "../preload/axonpush-exporter.js";
import { loadSenderModule } from "../sender/sender-module.js";
import type { OutgoingRequest, SendResult } from "../transport/types.js";

export interface SentTestSpan {
  readonly request: OutgoingRequest;
  /** What the server answered (an OTLP partial success that refused the span is a failure). */
  readonly result: SendResult;
  /** Removes the API key from any text, should the server echo it. */
  readonly scrub: (text: string) => string;
  /** Body properties this server refused by name (the span was sent again without them). */
  readonly refusedProperties: readonly string[];
  /** The server refused OTLP protobuf: the span was sent again as OTLP/JSON. */
  readonly otlpJsonOnly: boolean;
}

/** Room for one resend on top of the first try (without a refused property, or as OTLP/JSON), plus connection set-up. */
const TRIES_ALLOWED = 2;
const SLACK_MS = 1_000;

function watchdog(timeoutMs: number): { promise: Promise<SendResult>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<SendResult>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "retryable", message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export async function sendTestSpan(config: AxonPushOtelConfig, span: ReadableSpan): Promise<SentTestSpan> {
  const { createEventTransport, refusalsOf, otlpEncodingsOf, OtlpJsonFallbackTransport, RefusedPropertyTransport, prepareRequests, partialRejection } =
    loadSenderModule();
  const client = clientFor(config, { maxRetries: 0 });
  const http = createEventTransport(client, { environment: config.environment, concurrency: 1 });
  // As the exporter wraps its transport: a property this server refuses by name is left out and the span sent again.
  const refusals = refusalsOf(client.baseUrl);
  // And OTLP protobuf refused for its content type goes again as JSON.
  const encodings = otlpEncodingsOf(client.baseUrl);
  const transport = new OtlpJsonFallbackTransport(new RefusedPropertyTransport(http, refusals), encodings);
  const settings = resolveExporterSettings(exporterOptionsFor(config, client));
  const scrub = (text: string) => client.scrubSecrets(text);
  const [request] = prepareRequests(settings, [span], refusals.names, encodings).requests;
  if (!request) {
    http.close();
    throw new Error("the test span could not be encoded");
  }
  const limit = watchdog(client.timeoutMs * TRIES_ALLOWED + SLACK_MS);
  try {
    const answer = await Promise.race([transport.send(request), limit.promise]);
    const result = partialRejection(request, answer)?.result ?? answer;
    return { request, result, scrub, refusedProperties: [...refusals.names], otlpJsonOnly: encodings.jsonOnly };
  } finally {
    limit.cancel();
    // Closes the sockets, so the command ends by itself whatever the server does.
    transport.close();
  }
}
