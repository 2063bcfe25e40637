/**
 * `axonpush-otel` command line. One command today:
 *   axonpush-otel dev [--port N]
 * runs the local AxonPush-compatible receiver and prints what an app sends,
 * so a user can see their traces before they have an AxonPush account.
 */
import { parseArgs } from "node:util";
import { startLocalReceiver } from "./receiver/server.js";
import { TracePrinter } from "./receiver/trace-printer.js";

const USAGE = `Usage: axonpush-otel <command> [options]

Commands:
  dev [--port N]   Run a local AxonPush-compatible receiver on 127.0.0.1 and
                   print every span your app sends (default port: any free one)

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

function parseCommandLine(argv: string[]): { command: string | undefined; port: number; help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { port: { type: "string", short: "p" }, help: { type: "boolean", short: "h" } },
    });
    if (positionals.length > 1) misuse(`unexpected argument ${JSON.stringify(positionals[1])}`);
    return { command: positionals[0], port: parsePort(values.port), help: values.help === true };
  } catch (error) {
    misuse(error instanceof Error ? error.message : String(error));
  }
}

function banner(url: string): string {
  return [
    `AxonPush local receiver listening on ${url} (POST /event, POST /v1/traces)`,
    "",
    "Point your app at it (any non-empty key and tenant are accepted):",
    `  export AXONPUSH_BASE_URL=${url}`,
    "  export AXONPUSH_API_KEY=dev",
    "  export AXONPUSH_TENANT_ID=dev",
    "  export AXONPUSH_CHANNEL_ID=dev",
    "  node --import axonpush-otel/register app.js",
    "",
    "Waiting for spans (Ctrl-C to stop)...",
    "",
  ].join("\n");
}

async function runDev(port: number): Promise<void> {
  const write = (text: string) => process.stdout.write(`${text}\n`);
  const printer = new TracePrinter({ write });
  const receiver = await startLocalReceiver({
    port,
    onSpan: (span) => printer.add(span),
    onRejection: (rejection) => process.stderr.write(`rejected ${rejection.status}: ${rejection.message}\n`),
  }).catch((error: unknown) => {
    process.stderr.write(`axonpush-otel: cannot listen on 127.0.0.1:${port}: ${(error as Error).message}\n`);
    process.exit(1);
  });
  write(banner(receiver.url));

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    printer.flush();
    void receiver.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

async function main(argv: string[]): Promise<void> {
  const { command, port, help } = parseCommandLine(argv);
  if (help) {
    process.stdout.write(USAGE);
    return;
  }
  if (command === undefined) misuse("missing command");
  if (command !== "dev") misuse(`unknown command ${JSON.stringify(command)}`);
  await runDev(port);
}

void main(process.argv.slice(2));
