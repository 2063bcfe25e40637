// A transport the queue tests drive by hand: every send waits until the test settles it.
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { vi } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { AxonPushSpanExporter } from "../src/exporter/index.js";
import type { AxonPushSpanExporterOptions } from "../src/exporter/options.js";
import type { OutgoingRequest, SendResult, Transport } from "../src/transport/types.js";

export interface PendingSend {
  request: OutgoingRequest;
  settle(result: SendResult): void;
}

export function manualTransport() {
  const pending: PendingSend[] = [];
  const sent: OutgoingRequest[] = [];
  let maxInFlight = 0;
  let closed = false;
  const transport: Transport = {
    send(request) {
      sent.push(request);
      return new Promise<SendResult>((resolve) => {
        const entry: PendingSend = {
          request,
          settle: (result) => {
            pending.splice(pending.indexOf(entry), 1);
            resolve(result);
          },
        };
        pending.push(entry);
        maxInFlight = Math.max(maxInFlight, pending.length);
      });
    },
    close() {
      closed = true;
      // Like the real transport: whatever is on the wire ends as a failure.
      for (const entry of [...pending]) entry.settle({ kind: "failure", message: "transport closed" });
    },
  };
  return {
    transport,
    pending,
    sent,
    get maxInFlight() {
      return maxInFlight;
    },
    get closed() {
      return closed;
    },
    settleAll(result: SendResult = { kind: "success", status: 201 }) {
      for (const entry of [...pending]) entry.settle(result);
    },
  };
}

/** A transport that answers every send with `result`, at once. */
export function answeringTransport(result: SendResult | ((request: OutgoingRequest) => SendResult)) {
  const sent: OutgoingRequest[] = [];
  const transport: Transport = {
    send: async (request) => {
      sent.push(request);
      return typeof result === "function" ? result(request) : result;
    },
    close: () => {},
  };
  return { transport, sent };
}

export const client = new AxonPushClient({
  apiKey: "ak_queue_secret_value",
  tenantId: "org_q",
  baseUrl: "http://127.0.0.1:9",
});

/**
 * An exporter whose lane runs on this thread over `transport` (the app's-thread lane: the same Lane
 * code the sender thread runs, from dist/sender.cjs). `reportIntervalMs` / `firstReportDelayMs`: the
 * loss report's timing (default 30 s and 1 s).
 */
export function exporterOn(
  transport: Transport,
  options: Partial<AxonPushSpanExporterOptions> = {},
  timing: { reportIntervalMs?: number; firstReportDelayMs?: number } = {},
): AxonPushSpanExporter {
  return new AxonPushSpanExporter({ client, channelId: "ch_q", ...options }, { transport, ...timing });
}

/** Records every callback invocation, to check "exactly once". */
export function callbackRecorder() {
  const results: ExportResult[] = [];
  const callback = (result: ExportResult) => {
    results.push(result);
  };
  return {
    callback,
    results,
    get codes() {
      return results.map((r) => (r.code === ExportResultCode.SUCCESS ? "SUCCESS" : "FAILED"));
    },
  };
}

/** Captures the warnings shown to the user (process warnings), silencing them. */
export function captureWarnings() {
  const spy = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
  return {
    get messages(): string[] {
      return spy.mock.calls.map((call) => String(call[0]));
    },
    restore: () => spy.mockRestore(),
  };
}

export const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));
