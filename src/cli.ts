/**
 * `axonpush-otel` command line:
 *   axonpush-otel check                     sends one test span with your configuration and says what happened
 *   axonpush-otel dev [--port N] [--api V] [--otlp json-only]  runs the local receiver and prints what an app sends
 */
import { parseArgs } from "node:util";
import { API_VERSIONS, isApiVersion } from "./receiver/api-versions.js";
import { runDev } from "./receiver/dev-command.js";
import type { AxonPushApiVersion, OtlpIngestMode } from "./receiver/types.js";

const USAGE = `Usage: axonpush-otel <command> [options]

Commands:
  check            Send one test span ("axonpush-otel check") to AxonPush with
                   the configuration your app would use (environment and .env:
                   AXONPUSH_API_KEY, AXONPUSH_BASE_URL, AXONPUSH_TRANSPORT, ...)
                   and say whether it was accepted, or which variable to fix
  dev [--port N] [--api go|go-dev|nest] [--otlp json-only]
                   Run a local AxonPush-compatible receiver on 127.0.0.1 and
                   print every span your app sends (default port: any free one;
                   default API: go, the production API; nest is the first
                   backend, go-dev the development line; --otlp json-only
                   answers OTLP protobuf with 415, as a JSON-only deployment)

Options:
  -h, --help       Show this help
`;

/** Exit code for misuse, as most command-line tools use it. */
const EXIT_USAGE = 2;

function misuse(message: string): never {
  process.stderr.write(`axonpush-otel: ${message}\n\n${USAGE}`);
  process.exit(EXIT_USAGE);
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) misuse(`--port must be a number from 0 to 65535 (got ${JSON.stringify(text)})`);
  return port;
}

function parseApi(text: string | undefined): AxonPushApiVersion {
  if (text === undefined) return "go";
  if (!isApiVersion(text)) misuse(`--api must be one of ${API_VERSIONS.join(", ")} (got ${JSON.stringify(text)})`);
  return text;
}

function parseOtlp(text: string | undefined): OtlpIngestMode {
  if (text === undefined) return "any";
  if (text !== "json-only" && text !== "any") misuse(`--otlp must be json-only or any (got ${JSON.stringify(text)})`);
  return text;
}

interface CommandLine {
  command: string | undefined;
  help: boolean;
  port: string | undefined;
  api: string | undefined;
  otlp: string | undefined;
}

function parseCommandLine(argv: string[]): CommandLine {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: "string", short: "p" },
        api: { type: "string" },
        otlp: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (positionals.length > 1) misuse(`unexpected argument ${JSON.stringify(positionals[1])}`);
    return { command: positionals[0], help: values.help === true, port: values.port, api: values.api, otlp: values.otlp };
  } catch (error) {
    misuse(error instanceof Error ? error.message : String(error));
  }
}

async function main(argv: string[]): Promise<void> {
  const line = parseCommandLine(argv);
  if (line.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (line.command === undefined) misuse("missing command");
  if (line.command === "dev") {
    await runDev({ port: parsePort(line.port), api: parseApi(line.api), otlp: parseOtlp(line.otlp) });
    return;
  }
  if (line.command === "check") {
    if (line.port !== undefined || line.api !== undefined || line.otlp !== undefined) {
      misuse("check takes no --port, --api or --otlp (it talks to AXONPUSH_BASE_URL)");
    }
    // Loaded only here: it pulls in the OpenTelemetry SDK, which `dev` and `--help` do not need.
    const { runCheck } = await import("./check/index.js");
    process.exitCode = await runCheck();
    return;
  }
  misuse(`unknown command ${JSON.stringify(line.command)}`);
}

void main(process.argv.slice(2));
