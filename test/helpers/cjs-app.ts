/**
 * Talking to the CommonJS fixture (fixtures/cjs-http/app.cjs) in the guard
 * tests: its GET /introspect says whether http was patched, which SDK
 * started, and which of our variables the app can see.
 */
import { expect } from "vitest";
import type { FixtureRun } from "./fixture-process.js";

export const CJS_APP = "fixtures/cjs-http/app.cjs";
export const REQUIRE = ["--require", "axonpush-otel/register"];
export const IMPORT = ["--import", "axonpush-otel/register"];

export interface Introspection {
  httpPatched: boolean;
  sdkStartedBy: string | null;
  envKeys: string[];
}

export async function introspect(app: FixtureRun): Promise<Introspection> {
  return (await fetch(`http://127.0.0.1:${app.port}/introspect`)).json() as Promise<Introspection>;
}

/** GET /outer, which calls /inner on the same server. */
export async function callOuter(app: FixtureRun): Promise<void> {
  expect(await (await fetch(`http://127.0.0.1:${app.port}/outer`)).text()).toBe("outer+inner");
}

/** Gives a would-be exporter time to send (the tests' delay is 50 ms), then checks nothing came. */
export async function expectNothingSent(receiver: { readonly requestCount: number }): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  expect(receiver.requestCount).toBe(0);
}

/** Our own stderr lines. */
export const ourLines = (app: FixtureRun) => app.stderr().split("\n").filter((line) => line.startsWith("axonpush-otel:"));
