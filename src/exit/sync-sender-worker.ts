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
 *
 * A request may carry `optional` (its optional properties, see
 * transport/optional-properties.ts): when the server refuses one of those
 * properties by name, every request of this worker leaves it out from then on
 * and the refused one is sent again without it, under its derived key, as the
 * exporter does. The pieces of code doing that are the exporter's own
 * functions, embedded as source text, so both sides build the same bodies and
 * the same keys.
 */
import { bodyWithout, carriesOptional, leftOutNames, variantKey } from "../transport/optional-properties.js";
import { refusedPropertyNames } from "../transport/property-refusal.js";

export const SYNC_SENDER_WORKER_SOURCE = String.raw`
"use strict";
const { workerData } = require("node:worker_threads");
// Should a transpiler that keeps function names have touched the embedded functions below.
var __name = (target) => target;
const bodyWithout = ${bodyWithout.toString()};
const leftOutNames = ${leftOutNames.toString()};
const variantKey = ${variantKey.toString()};
const carriesOptional = ${carriesOptional.toString()};
const refusedPropertyNames = ${refusedPropertyNames.toString()};
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

const MAX_ERROR_BYTES = 16 * 1024;
/** Properties the server refused by name during this exit, across every lane. */
const refused = new Set();

/** The request without every property refused so far (the same object when none of them is in it). */
function withoutRefused(request) {
  const optional = request.optional;
  if (!optional || refused.size === 0 || typeof request.body !== "string") return request;
  const leftOut = leftOutNames(optional.names, new Set(optional.leftOut.concat(Array.from(refused))));
  if (leftOut.length === optional.leftOut.length) return request;
  const headers = Object.assign({}, request.headers, { "Idempotency-Key": variantKey(optional.baseKey, leftOut) });
  return {
    url: request.url,
    headers,
    body: bodyWithout(request.body, leftOut.filter((name) => optional.leftOut.indexOf(name) === -1)),
    optional: Object.assign({}, optional, { leftOut }),
  };
}

function postOnce(request) {
  return new Promise((resolve) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return resolve({ ok: false, retry: false, refused: [] });
    let url;
    try { url = new URL(request.url); } catch { return resolve({ ok: false, retry: false, refused: [] }); }
    const transport = url.protocol === "https:" ? https : http;
    const req = transport.request(url, {
      method: "POST",
      headers: request.headers,
      agent: agents[url.protocol],
      timeout: remaining,
    }, (res) => {
      const status = res.statusCode || 0;
      const validation = status === 400 || status === 422;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { if (validation && text.length < MAX_ERROR_BYTES) text += chunk; });
      res.on("end", () => {
        resolve({
          ok: status >= 200 && status < 300,
          retry: isRetryable(status),
          refused: validation ? refusedPropertyNames(status, text) : [],
        });
      });
      res.on("error", () => resolve({ ok: false, retry: true, refused: [] }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ ok: false, retry: true, refused: [] }));
    req.end(request.body);
  });
}

async function deliver(original) {
  let request = original;
  let retries = 0;
  for (;;) {
    request = withoutRefused(request);
    const result = await postOnce(request);
    if (result.ok) return true;
    if (carriesOptional(request, result.refused)) {
      // Refused by name: not a retry, a different body; send it again at once.
      for (const name of result.refused) refused.add(name);
      continue;
    }
    const backoff = 50 * 2 ** retries;
    if (!result.retry || retries >= 3 || Date.now() + backoff >= deadline) return false;
    retries++;
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
