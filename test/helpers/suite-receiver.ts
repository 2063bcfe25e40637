// One strict local receiver per test file: started before the file's tests,
// emptied after each test (once the test's own clean-up, such as killing its
// fixture processes, has run) and closed at the end.
import { afterAll, afterEach, beforeAll } from "vitest";
import { startLocalReceiver, type AxonPushApiVersion, type LocalReceiver } from "../../src/receiver/index.js";

export interface SuiteReceiverOptions {
  apiKey: string;
  tenantId: string;
  /** The API version to imitate; default the receiver's (go, production). */
  api?: AxonPushApiVersion;
  /** Runs after each test, before the receiver is emptied. */
  afterEachTest?: () => Promise<void> | void;
}

/**
 * Returns a stand-in that forwards to the receiver once it has started, so a
 * test file can say `receiver.spans()` without a `let` and three hooks of its own.
 */
export function useSuiteReceiver(options: SuiteReceiverOptions): LocalReceiver {
  let started: LocalReceiver | undefined;
  beforeAll(async () => {
    started = await startLocalReceiver({ apiKey: options.apiKey, tenantId: options.tenantId, api: options.api });
  });
  afterEach(async () => {
    await options.afterEachTest?.();
    started?.reset();
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as LocalReceiver, {
    get(_target, property) {
      if (!started) throw new Error("the suite receiver is used before beforeAll started it");
      const value = Reflect.get(started, property, started);
      return typeof value === "function" ? value.bind(started) : value;
    },
  });
}
