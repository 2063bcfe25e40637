/**
 * Cluster mode (the `cluster` module, PM2's cluster mode): the workers inherit the primary's `--import`, so each is
 * traced with its own process resource, and when the primary is stopped with SIGTERM it dies of it as it would bare
 * while each worker, left without its primary, still delivers what it holds as it ends. The batch processor's delay is
 * a minute: only the workers' exit can have delivered the spans.
 */
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
afterEach(killAllFixtures);

/** One request on a connection of its own, so the primary hands it to the next worker; answers the worker's pid. */
function workerPid(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/orders", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(Number(body)));
    }).on("error", reject);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function serveAndStop(preload: boolean) {
  const run = await runFixture({
    script: "fixtures/cluster-app/app.cjs",
    nodeArgs: preload ? ["--import", "axonpush-otel/register"] : [],
    env: axonpushEnv(receiver.url, { OTEL_BSP_SCHEDULE_DELAY: "60000" }),
  });
  const pids: number[] = [];
  for (let i = 0; i < 10; i++) pids.push(await workerPid(run.port));
  run.child.kill("SIGTERM");
  const ending = await run.exited;
  const workers = [...new Set(pids)];
  await expect.poll(() => workers.filter(alive), { timeout: 10_000 }).toEqual([]);
  return { ending, pids, workers };
}

describe("cluster mode", () => {
  it("every worker is traced and delivers its spans when the primary is stopped, which dies of SIGTERM as bare", async () => {
    const bare = await serveAndStop(false);
    expect(bare.ending).toEqual({ code: null, signal: "SIGTERM" });
    expect(receiver.spans()).toEqual([]);

    const traced = await serveAndStop(true);
    expect(traced.ending).toEqual(bare.ending);
    expect(traced.workers).toHaveLength(2);
    await expect.poll(() => receiver.spans().length, { timeout: 10_000 }).toBe(10);
    const servers = receiver.spans().filter((span) => span.kind === "SERVER");
    expect(servers).toHaveLength(10);
    const perPid = new Map<string, number>();
    for (const span of servers) perPid.set(span.resource["process.pid"]!, (perPid.get(span.resource["process.pid"]!) ?? 0) + 1);
    const answered = new Map<string, number>();
    for (const pid of traced.pids) answered.set(String(pid), (answered.get(String(pid)) ?? 0) + 1);
    expect(perPid).toEqual(answered);
  });
});
