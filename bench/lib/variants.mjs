// The ways a benchmarked process is started: bare Node, our preload, and
// the official auto-instrumentations register with its OTLP exporter.
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OFFICIAL = "@opentelemetry/auto-instrumentations-node/register";
const OURS = "axonpush-otel/register";

/** Cloud resource detectors query metadata IPs: they must never run here. */
const LOCAL_DETECTORS = "env,host,os,process,serviceinstance,container";

/** The parent's environment without anything that would steer a preload. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("OTEL_") || key.startsWith("AXONPUSH_") || key === "NODE_OPTIONS") continue;
    env[key] = value;
  }
  return { ...env, OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS, ...extra };
}

export function oursEnv(baseUrl, extra = {}) {
  return cleanEnv({
    AXONPUSH_API_KEY: "bench-api-key",
    AXONPUSH_TENANT_ID: "bench-tenant",
    AXONPUSH_CHANNEL_ID: "bench-channel",
    AXONPUSH_SERVICE_NAME: "bench-app",
    AXONPUSH_BASE_URL: baseUrl,
    ...extra,
  });
}

export function officialEnv(otlpUrl, extra = {}) {
  return cleanEnv({
    OTEL_SERVICE_NAME: "bench-app",
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    OTEL_METRICS_EXPORTER: "none",
    OTEL_LOGS_EXPORTER: "none",
    ...extra,
  });
}

/**
 * Variant definitions. `sinks` = { event, otlp } started by the caller.
 * Each variant: { id, label, family: bare|ours|official, args, env }.
 */
export function makeVariants(sinks, { extraEnv = {} } = {}) {
  return {
    bare: { id: "bare", label: "bare node", family: "bare", args: [], env: cleanEnv(extraEnv) },
    oursImport: {
      id: "oursImport",
      label: `ours --import`,
      family: "ours",
      args: ["--import", OURS],
      env: oursEnv(sinks.event.url, extraEnv),
    },
    oursRequire: {
      id: "oursRequire",
      label: `ours --require`,
      family: "ours",
      args: ["--require", OURS],
      env: oursEnv(sinks.event.url, extraEnv),
    },
    oursOtlpImport: {
      id: "oursOtlpImport",
      label: `ours --import, AXONPUSH_TRANSPORT=otlp`,
      family: "ours",
      args: ["--import", OURS],
      env: oursEnv(sinks.event.url, { AXONPUSH_TRANSPORT: "otlp", ...extraEnv }),
    },
    // Our preload keeps a V8 code cache under os.tmpdir(): a fresh TMPDIR per
    // run measures a first start (a new container, a Lambda cold start).
    oursImportColdCache: {
      id: "oursImportColdCache",
      label: `ours --import, no code cache`,
      family: "ours",
      args: ["--import", OURS],
      env: oursEnv(sinks.event.url, extraEnv),
      freshTmpDir: true,
    },
    oursRequireColdCache: {
      id: "oursRequireColdCache",
      label: `ours --require, no code cache`,
      family: "ours",
      args: ["--require", OURS],
      env: oursEnv(sinks.event.url, extraEnv),
      freshTmpDir: true,
    },
    officialImport: {
      id: "officialImport",
      label: "official --import",
      family: "official",
      args: ["--import", OFFICIAL],
      env: officialEnv(sinks.otlp.url, extraEnv),
    },
    officialRequire: {
      id: "officialRequire",
      label: "official --require",
      family: "official",
      args: ["--require", OFFICIAL],
      env: officialEnv(sinks.otlp.url, extraEnv),
    },
  };
}

/** Whether the built preload reads AXONPUSH_TRANSPORT (the OTLP transport of issue 6). */
export function oursHasOtlpTransport() {
  for (const file of ["dist/register-chunk.js", "dist/register.cjs", "dist/index.js"]) {
    const full = path.join(REPO_ROOT, file);
    if (existsSync(full) && readFileSync(full, "utf8").includes("AXONPUSH_TRANSPORT")) return true;
  }
  return false;
}

let oursStatus;
/**
 * Whether our preload is usable right now: dist/register.js exists and
 * `node --import axonpush-otel/register -e 0` exits cleanly.
 * Returns { available, reason }.
 */
export function checkOurs(baseUrl = "http://127.0.0.1:9") {
  if (oursStatus) return oursStatus;
  const file = path.join(REPO_ROOT, "dist/register.js");
  if (!existsSync(file)) {
    oursStatus = { available: false, reason: "dist/register.js did not exist when this ran" };
    return oursStatus;
  }
  for (const flag of ["--import", "--require"]) {
    const result = spawnSync(process.execPath, [flag, OURS, "-e", "0"], {
      cwd: REPO_ROOT,
      env: oursEnv(baseUrl, { AXONPUSH_SHUTDOWN_TIMEOUT_MS: "200" }),
      encoding: "utf8",
      timeout: 20_000,
    });
    if (result.status !== 0) {
      const why = (result.stderr || result.error?.message || "").trim().split("\n").slice(0, 3).join(" / ");
      oursStatus = { available: false, reason: `\`node ${flag} ${OURS} -e 0\` failed: ${why}` };
      return oursStatus;
    }
  }
  oursStatus = { available: true, reason: "" };
  return oursStatus;
}
