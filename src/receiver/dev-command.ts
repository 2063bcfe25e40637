/**
 * `axonpush-otel dev`: the local receiver in a terminal, imitating one API
 * version, printing every span and log record an app sends (a line each,
 * then the trace as a tree with each record under its span) and every
 * refusal on stderr, until Ctrl-C or SIGTERM.
 */
import { startLocalReceiver } from "./server.js";
import { TracePrinter } from "./trace-printer.js";
import type { AxonPushApiVersion, OtlpIngestMode } from "./types.js";

export interface DevOptions {
  port: number;
  api: AxonPushApiVersion;
  /** Default `any`. */
  otlp?: OtlpIngestMode;
}

const WHAT_IT_IMITATES: Record<AxonPushApiVersion, string> = {
  go: "the go API (production AxonPush, the default)",
  "go-dev": "the go-dev API (the development line of production AxonPush)",
  nest: "the nest API (AxonPush's first backend, which some self-hosted installs still run)",
};

export function devBanner(url: string, api: AxonPushApiVersion, otlp: OtlpIngestMode = "any"): string {
  const keyAlone = api !== "nest";
  return [
    `AxonPush local receiver listening on ${url} (POST /event, POST /v1/traces, POST /v1/logs)`,
    `Imitating ${WHAT_IT_IMITATES[api]}; choose another with --api go|go-dev|nest.`,
    ...(otlp === "json-only" ? ["OTLP: JSON only (--otlp json-only): a protobuf body on /v1/traces is answered 415."] : []),
    "",
    keyAlone
      ? "Point your app at it (any non-empty key is accepted; on go the key alone is enough):"
      : "Point your app at it (any non-empty key and tenant are accepted; nest needs a tenant and a channel too):",
    `  export AXONPUSH_BASE_URL=${url}`,
    "  export AXONPUSH_API_KEY=dev",
    ...(keyAlone ? [] : ["  export AXONPUSH_TENANT_ID=dev", "  export AXONPUSH_CHANNEL_ID=dev"]),
    "  node --import axonpush-otel/register app.js",
    "",
    "Waiting for spans (Ctrl-C to stop)...",
    "",
  ].join("\n");
}

export async function runDev(options: DevOptions): Promise<void> {
  const write = (text: string) => process.stdout.write(`${text}\n`);
  const printer = new TracePrinter({ write });
  const receiver = await startLocalReceiver({
    api: options.api,
    port: options.port,
    otlp: options.otlp ?? "any",
    onSpan: (span) => printer.add(span),
    onLog: (log) => printer.addLog(log),
    onRejection: (rejection) => process.stderr.write(`rejected ${rejection.status}: ${rejection.message}\n`),
  }).catch((error: unknown) => {
    process.stderr.write(`axonpush-otel: cannot listen on 127.0.0.1:${options.port}: ${(error as Error).message}\n`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    printer.flush();
    void receiver.close().then(() => {
      process.exitCode = 0;
    });
  };
  // Before the banner: whoever reads "Waiting for spans" may press Ctrl-C at
  // once, and the banner line reaches a pipe before the next line runs here.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  write(devBanner(receiver.url, receiver.api, options.otlp));
}
