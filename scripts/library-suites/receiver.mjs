// The local receiver the traced run exports to: `axonpush-otel dev` from the
// scratch install, on a port the OS picks. It prints one line per span; we
// count them (and the ones that show the suite was really traced)
// instead of keeping them.
import { spawn } from "node:child_process";
import path from "node:path";

export async function startReceiver(scratchRoot, engagedSpan) {
  const cli = path.join(scratchRoot, "node_modules", "axonpush-otel", "dist", "cli.js");
  const child = spawn(process.execPath, [cli, "dev", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env: withoutPreload(process.env) });
  const counts = { spans: 0, engaged: 0, rejections: 0 };
  const url = await new Promise((resolve, reject) => {
    let pending = "";
    let listening = false;
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop();
      for (const line of lines) {
        const banner = listening ? null : /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (banner) {
          listening = true;
          resolve(banner[1]);
        }
        if (/^\[[0-9a-f]+\] /.test(line)) counts.spans += 1;
        if (engagedSpan.test(line)) counts.engaged += 1;
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      counts.rejections += chunk.split("\n").filter((line) => line.startsWith("rejected")).length;
    });
    child.once("exit", (code) => reject(new Error(`the receiver exited (${code}) before listening`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    url,
    counts,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The environment without our variables or NODE_OPTIONS (each run sets its own). */
export function withoutPreload(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(AXONPUSH_|OTEL_)/.test(key) && key !== "NODE_OPTIONS"));
}
