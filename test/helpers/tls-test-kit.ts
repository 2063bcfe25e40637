// What the HTTPS tests of our HTTP client share: self-signed certificates made with openssl
// for the run, and child processes that run the client's TypeScript source through tsx (so a
// child can be given NODE_EXTRA_CA_CERTS, which Node reads only at start-up, and so a test can
// see a child exit by itself).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./fixture-process.js";

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

export interface TestCertificates {
  /** For localhost and 127.0.0.1. */
  readonly local: KeyPair;
  /** For other.invalid only. */
  readonly other: KeyPair;
  /** Both certificates in one file: what a trusting child gets as NODE_EXTRA_CA_CERTS. */
  readonly trustedFile: string;
  remove(): void;
}

export function makeTestCertificates(prefix: string): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const make = (name: string, subject: string, altNames: string): KeyPair => {
    const key = join(dir, `${name}.key`);
    const cert = join(dir, `${name}.pem`);
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", subject, "-addext", `subjectAltName=${altNames}`, "-days", "1"], {
      stdio: "ignore",
    });
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  };
  const local = make("local", "/CN=localhost", "DNS:localhost,IP:127.0.0.1");
  const other = make("other", "/CN=other.invalid", "DNS:other.invalid");
  const trustedFile = join(dir, "trusted.pem");
  writeFileSync(trustedFile, local.cert + other.cert);
  return { local, other, trustedFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs an ES module script with tsx (TypeScript sources importable), output and errors together; killed after
 * `limitMs`, so a child that never exits shows as a null exit code. `onStart` gets a way to kill it early.
 */
export function runTsxChild(script: string, env: Record<string, string>, limitMs: number, onStart: (kill: () => void) => void): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  onStart(() => child.kill("SIGKILL"));
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}
