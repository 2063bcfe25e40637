/**
 * What `axonpush-otel check` tells the user about the answer, in plain
 * words: accepted, or which variable to fix (401 / 403 / 404, connection
 * problems), or else the server's own words. Text that came from the server
 * has already been scrubbed of the key by the caller.
 */
import type { SendResult } from "../transport/types.js";

export interface Verdict {
  readonly ok: boolean;
  readonly lines: string[];
}

export interface VerdictContext {
  readonly baseUrl: string;
  readonly channel: string | undefined;
  readonly traceId: string;
  /** Body properties the server refused by name before accepting the span without them. */
  readonly refusedProperties: readonly string[];
  /** The server refused OTLP protobuf; the span went again as OTLP/JSON. */
  readonly otlpJsonOnly?: boolean;
}

/** The transport's message starts with `HTTP <status>: `; the status is said separately. */
function serverWords(result: Exclude<SendResult, { kind: "success" }>): string {
  return result.message.replace(/^HTTP \d+:?\s*/, "") || "(no message)";
}

function toFix(status: number | undefined, context: VerdictContext): string | undefined {
  switch (status) {
    case 401:
      return "Fix AXONPUSH_API_KEY: the key is missing, mistyped or revoked.";
    case 403:
      return "Fix AXONPUSH_API_KEY or AXONPUSH_TENANT_ID: the key lacks the publish scope, or belongs to another tenant.";
    case 404:
      return context.channel
        ? `Fix AXONPUSH_CHANNEL_ID (is "${context.channel}" a channel of this organisation?) or AXONPUSH_BASE_URL (does ${context.baseUrl} serve the AxonPush API?).`
        : `Fix AXONPUSH_BASE_URL (does ${context.baseUrl} serve the AxonPush API?), or set AXONPUSH_CHANNEL_ID to a channel of this organisation.`;
    default:
      return undefined;
  }
}

/** Worth saying: it tells an older (self-hosted) server apart, and that nothing is lost there. */
function refusalNote(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const list = names.join(", ");
  return [
    `note: this server refused the body propert${names.length === 1 ? "y" : "ies"} ${list} by name (an older AxonPush API); ` +
      "the span was sent again without it, as the preload does for every span, so nothing is lost.",
  ];
}

/** Worth saying: the preload does the same by itself, and the variable that skips the refused try. */
function jsonOnlyNote(jsonOnly: boolean | undefined): string[] {
  if (!jsonOnly) return [];
  return [
    "note: this server refused OTLP protobuf and took the span as OTLP/JSON; the preload switches the same way by itself " +
      "(set OTEL_EXPORTER_OTLP_PROTOCOL=http/json to send JSON from the first batch).",
  ];
}

export function verdictFor(result: SendResult, context: VerdictContext): Verdict {
  if (result.kind === "success") {
    const channel = context.channel ? `channel ${context.channel}` : "the organisation's default channel";
    return {
      ok: true,
      lines: [
        `accepted: AxonPush answered HTTP ${result.status} to the test span "axonpush-otel check" (trace ${context.traceId}, ${channel}).`,
        ...refusalNote(context.refusedProperties),
        ...jsonOnlyNote(context.otlpJsonOnly),
        "Your configuration works: run your app with `node --import axonpush-otel/register app.js`.",
      ],
    };
  }
  if (result.status === undefined) {
    // A connection that failed never reached the server; a silent one may have, but gave no answer.
    const what = result.message.startsWith("connection error") ? "could not reach" : "no answer from";
    return {
      ok: false,
      lines: [
        `not sent: ${what} AxonPush at ${context.baseUrl} (${result.message}).`,
        "Check AXONPUSH_BASE_URL (and that this machine can reach it).",
      ],
    };
  }
  const fix = toFix(result.status, context);
  const lines = [`refused: AxonPush answered HTTP ${result.status}: ${serverWords(result)}`];
  if (fix) lines.push(fix);
  return { ok: false, lines };
}
