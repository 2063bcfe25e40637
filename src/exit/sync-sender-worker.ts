/**
 * Source of the worker thread that POSTs the exit-time requests while the
 * main thread blocks in `Atomics.wait` (Node's `exit` event runs no
 * asynchronous work on the main thread, but a worker has its own loop).
 *
 * Kept as plain CommonJS text, evaluated with `new Worker(src, { eval: true })`:
 * the package is bundled into a few files, so a separate worker file would
 * have no stable path, and the worker must not load the app's preloads.
 *
 * Protocol: `workerData = { signal: SharedArrayBuffer, requests, deadline }`.
 * `requests` are `{ url, headers, body }`; `deadline` is an epoch-ms time.
 * The worker stores the number of requests accepted (2xx) plus one into
 * `Int32Array(signal)[0]` and notifies when every request is settled.
 * Retryable failures (connection errors, 408, 429, 5xx) are tried again with
 * a short backoff while time remains; the Idempotency-Key in the headers is
 * unchanged, so a request the server already stored is not stored twice.
 */
export const SYNC_SENDER_WORKER_SOURCE = String.raw`
"use strict";
const { workerData } = require("node:worker_threads");
const http = require("node:http");
const https = require("node:https");

const state = new Int32Array(workerData.signal);
const deadline = workerData.deadline;
const MAX_PARALLEL = 16;
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: MAX_PARALLEL }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: MAX_PARALLEL }),
};

function isRetryable(status) {
  return status === 408 || status === 429 || status >= 500;
}

function postOnce(request) {
  return new Promise((resolve) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return resolve({ ok: false, retry: false });
    let url;
    try { url = new URL(request.url); } catch { return resolve({ ok: false, retry: false }); }
    const transport = url.protocol === "https:" ? https : http;
    const req = transport.request(url, {
      method: "POST",
      headers: request.headers,
      agent: agents[url.protocol],
      timeout: remaining,
    }, (res) => {
      res.resume();
      res.on("end", () => {
        const status = res.statusCode || 0;
        resolve({ ok: status >= 200 && status < 300, retry: isRetryable(status) });
      });
      res.on("error", () => resolve({ ok: false, retry: true }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ ok: false, retry: true }));
    req.end(request.body);
  });
}

async function deliver(request) {
  for (let attempt = 0; ; attempt++) {
    const result = await postOnce(request);
    if (result.ok) return true;
    const backoff = 50 * 2 ** attempt;
    if (!result.retry || attempt >= 3 || Date.now() + backoff >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, backoff));
  }
}

async function main() {
  const queue = workerData.requests.slice();
  let accepted = 0;
  async function lane() {
    for (let request = queue.shift(); request; request = queue.shift()) {
      if (await deliver(request)) accepted++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL, queue.length) }, lane));
  Atomics.store(state, 0, accepted + 1);
  Atomics.notify(state, 0);
  for (const agent of Object.values(agents)) agent.destroy();
}

main().catch(() => {
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
`;
