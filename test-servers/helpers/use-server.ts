/**
 * One real server per test file: started before the file's tests (a
 * missing binary fails them all, with what to install), stopped after.
 */
import { afterAll, beforeAll } from "vitest";
import type { RunningServer } from "./running-server.js";

/** Servers take seconds to start (RabbitMQ most); a file's hook waits this long. */
export const SERVER_START_TIMEOUT_MS = 120_000;

export function useServer(start: () => Promise<RunningServer>): () => RunningServer {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await start();
  }, SERVER_START_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  }, SERVER_START_TIMEOUT_MS);
  return () => {
    if (!server) throw new Error("the server is used before beforeAll started it");
    return server;
  };
}
