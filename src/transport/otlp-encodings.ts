/**
 * Which OTLP encoding each server takes, remembered for the rest of the
 * process. AxonPush documents OTLP/HTTP in protobuf and JSON, but one of its
 * pages says only JSON is accepted, and a deployment may do just that. We
 * send protobuf (the smaller, cheaper encoding) until a server refuses it
 * for its content type; from then on every OTLP request for that server is
 * built as JSON, by every exporter and by the exit path (like
 * refused-properties.ts, it lives on `globalThis`, so the preload bundle and
 * the library share it). A server that once accepts protobuf is known to
 * take it, and requests stop carrying what a switch would need.
 *
 * The user's own choice (OTEL_EXPORTER_OTLP_PROTOCOL) is never overridden.
 */
import { processWideMap } from "./process-wide-map.js";
import type { OutgoingRequest } from "./types.js";

export type OtlpEncoding = "protobuf" | "json";

interface ServerState {
  jsonOnly: boolean;
  protobufAccepted: boolean;
}
/** Base URL → what that server takes. */
const registry = () => processWideMap<ServerState>("axonpush-otel.otlp-encodings");

export interface ServerOtlpEncodings {
  /** The server's base URL. */
  readonly server: string;
  /** It refused protobuf for its content type: JSON only, from now on. */
  readonly jsonOnly: boolean;
  /** It accepted a protobuf batch: no switch will be needed. */
  readonly protobufAccepted: boolean;
  /** Records a refusal of protobuf; true the first time. */
  learnJsonOnly(): boolean;
  learnProtobufAccepted(): void;
}

export function otlpEncodingsOf(baseUrl: string): ServerOtlpEncodings {
  const servers = registry();
  let state = servers.get(baseUrl);
  if (!state) {
    state = { jsonOnly: false, protobufAccepted: false };
    servers.set(baseUrl, state);
  }
  const known = state;
  return {
    server: baseUrl,
    get jsonOnly() {
      return known.jsonOnly;
    },
    get protobufAccepted() {
      return known.protobufAccepted;
    },
    learnJsonOnly() {
      if (known.jsonOnly) return false;
      known.jsonOnly = true;
      return true;
    },
    learnProtobufAccepted() {
      known.protobufAccepted = true;
    },
  };
}

export interface OtlpEncodingDecision {
  readonly encoding: OtlpEncoding;
  /** Whether the request must be able to become JSON, should the server refuse this encoding. */
  readonly mayFallBackToJson: boolean;
}

/** The encoding of a request built now: the user's choice, else what the server is known to take, else protobuf first. */
export function decideOtlpEncoding(configured: OtlpEncoding | undefined, server: ServerOtlpEncodings): OtlpEncodingDecision {
  if (configured) return { encoding: configured, mayFallBackToJson: false };
  if (server.jsonOnly) return { encoding: "json", mayFallBackToJson: false };
  return { encoding: "protobuf", mayFallBackToJson: !server.protobufAccepted };
}

/**
 * The request as it must go to a server known to take JSON only: its JSON
 * form when it has one (built before the server said so), else itself.
 * Never throws: a request that cannot become JSON goes as it is.
 */
export function inServerEncoding(request: OutgoingRequest, server: ServerOtlpEncodings): OutgoingRequest {
  if (!request.asJson || !server.jsonOnly) return request;
  try {
    return request.asJson();
  } catch {
    return request;
  }
}
