// The sender's HTTP client (our own, straight to the backend or through a proxy's CONNECT tunnel)
// must work on the oldest Node line we support (>= 20.6): the sender's Lane, from the built
// dist/sender.cjs, run on that very Node against the strict receiver, over both transports,
// straight and through a local forward proxy.
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";
import { REPO_ROOT } from "./helpers/fixture-process.js";
import { startForwardProxy, type ForwardProxy } from "./helpers/forward-proxy.js";
import { nodeOfVersion, OLDEST_SUPPORTED_NODE } from "./helpers/node-line.js";

let receiver: LocalReceiver;
let proxy: ForwardProxy;
let oldest: string;
beforeAll(async () => {
  receiver = await startLocalReceiver({ apiKey: "ak_oldest_node" });
  proxy = await startForwardProxy();
  oldest = nodeOfVersion(OLDEST_SUPPORTED_NODE);
}, 600_000);
afterAll(async () => {
  await proxy.close();
  await receiver.close();
});

function runLane(transport: "events" | "otlp", httpProxy?: string): Promise<string> {
  const args = [path.join(REPO_ROOT, "fixtures", "sender", "lane-alone.cjs"), receiver.url, transport, ...(httpProxy ? [httpProxy] : [])];
  return new Promise((resolve, reject) =>
    execFile(oldest, args, { timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

describe(`the sender on Node ${OLDEST_SUPPORTED_NODE}, the oldest supported`, () => {
  const ROUTES = [
    { route: "straight, our own client", viaProxy: false },
    { route: "through a proxy", viaProxy: true },
  ];
  describe.each(ROUTES)("$route", ({ viaProxy }) => {
    it.each(["events", "otlp"] as const)("delivers (%s)", async (transport) => {
      receiver.reset();
      proxy.tunnels.length = 0;
      const said = await runLane(transport, viaProxy ? proxy.url : undefined);
      expect(said).toContain("info spans at shutdown: 3 delivered, 0 lost, 0 held");
      const spans = receiver.spans();
      expect(spans.map((s) => s.name).sort()).toEqual(["oldest-0", "oldest-1", "oldest-2"]);
      expect(spans[0]!.attributes["node.version"]).toBe(`v${OLDEST_SUPPORTED_NODE}`.replace(/^v(\d+\.\d+)$/, "v$1.0"));
      expect(receiver.rejections).toEqual([]);
      expect(proxy.tunnels.length > 0).toBe(viaProxy);
    });
  });
});
