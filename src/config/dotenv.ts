/**
 * A `.env` file in the working directory may hold our variables. It is parsed
 * (dotenv's `parse`, not `config`), only AXONPUSH_* and OTEL_* keys are kept,
 * the real environment wins, and nothing is written to `process.env`: the
 * app's own keys stay the app's business.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "dotenv";
import type { Env } from "./types.js";

const OUR_KEY = /^(AXONPUSH|OTEL)_/;

export function readDotEnv(cwd: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(cwd, ".env"), "utf8");
  } catch {
    return {};
  }
  const ours: Record<string, string> = {};
  for (const [key, value] of Object.entries(parse(text))) {
    if (OUR_KEY.test(key)) ours[key] = value;
  }
  return ours;
}

/** The environment the resolvers read: `.env` values under the real ones. */
export function mergeWithDotEnv(env: Env, cwd: string): Env {
  const merged: Record<string, string | undefined> = { ...readDotEnv(cwd) };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
