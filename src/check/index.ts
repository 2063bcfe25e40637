/**
 * `axonpush-otel check`: the first command after `npm install`. Reads the
 * configuration the preload would use, sends one test span to AxonPush with
 * the configured transport, and says in plain words what happened.
 * Exit code 0 when the span was accepted, 1 otherwise. Never prints the key.
 */
import type { AxonPushOtelConfig } from "../config/index.js";
import { PACKAGE_VERSION } from "../preload/version.js";
import { printableBaseUrl, readCheckConfig } from "./check-config.js";
import { sendTestSpan } from "./send-test-span.js";
import { createTestSpan } from "./test-span.js";
import { verdictFor } from "./verdict.js";

export interface CheckInputs {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

type Say = (line: string) => void;

export async function runCheck(inputs: CheckInputs = {}): Promise<number> {
  const out = inputs.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = inputs.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config, problems } = readCheckConfig(inputs.env ?? process.env, inputs.cwd ?? process.cwd());
  for (const problem of problems) err(`axonpush-otel: ${problem}`);
  if (!config.apiKey) {
    err("not sent: AXONPUSH_API_KEY is not set (in the environment or in .env). Set it to your AxonPush API key.");
    return 1;
  }
  try {
    return await checkWith(config, out, err);
  } catch (error) {
    // A bug of ours, not an answer: one line, no stack trace, and still never the key.
    const message = error instanceof Error ? error.message : String(error);
    err(`axonpush-otel check: could not run the check: ${message.split(config.apiKey).join("[REDACTED]")}`);
    return 1;
  }
}

async function checkWith(config: AxonPushOtelConfig, out: Say, err: Say): Promise<number> {
  const baseUrl = printableBaseUrl(config.baseUrl);
  const channel = config.channelId || undefined;
  out(
    `axonpush-otel check: sending one test span to ${baseUrl} (transport ${config.transport}, ` +
      `${channel ? `channel ${channel}` : "no AXONPUSH_CHANNEL_ID: the organisation's default channel"})...`,
  );
  if (config.disabled) out("note: AXONPUSH_DISABLED is set, so the preload itself would send nothing.");

  const span = await createTestSpan({
    serviceName: config.serviceName,
    serviceVersion: config.serviceVersion,
    environment: config.environment,
    resourceAttributes: config.resourceAttributes,
    packageVersion: PACKAGE_VERSION,
  });
  const sent = await sendTestSpan(config, span);
  const verdict = verdictFor(sent.result, {
    baseUrl,
    channel,
    traceId: span.spanContext().traceId,
    refusedProperties: sent.refusedProperties,
    otlpJsonOnly: sent.otlpJsonOnly,
  });
  const say = verdict.ok ? out : err;
  for (const line of verdict.lines) say(sent.scrub(line));
  return verdict.ok ? 0 : 1;
}
