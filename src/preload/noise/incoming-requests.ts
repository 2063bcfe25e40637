/**
 * Incoming requests not to trace: those to a path in AXONPUSH_IGNORE_PATHS,
 * and those from health checkers (unless AXONPUSH_TRACE_PROBES=true). Given
 * to the http instrumentation as its `ignoreIncomingRequestHook`: for such a
 * request it makes no span and runs the handler with tracing suppressed, so
 * nothing the handler does (queries, outgoing calls) is traced either, and
 * nothing becomes the root of a trace of its own.
 */
import type { IncomingMessage } from "node:http";
import type { NoiseConfig } from "../../config/types.js";
import { ignoredPathTest, pathOf } from "./ignored-paths.js";
import type { LeftOutCounter } from "./left-out.js";
import { isProbeUserAgent } from "./probe-user-agents.js";

export type IgnoreIncomingRequest = (request: IncomingMessage) => boolean;

const MAX_SHOWN_USER_AGENT = 120;

/** The hook, or undefined when every request is to be traced. */
export function ignoreIncomingRequestHook(noise: NoiseConfig, leftOut: LeftOutCounter): IgnoreIncomingRequest | undefined {
  const ignoresProbes = !noise.traceProbes;
  if (!ignoresProbes && noise.ignorePaths.length === 0) return undefined;
  const isIgnoredPath = ignoredPathTest(noise.ignorePaths);
  const described = (request: IncomingMessage) => `${request.method} ${pathOf(request.url ?? "")}`;
  return (request) => {
    if (isIgnoredPath(request.url ?? "")) {
      leftOut.count("ignoredPath", () => described(request));
      return true;
    }
    const userAgent = request.headers["user-agent"];
    if (ignoresProbes && isProbeUserAgent(userAgent)) {
      leftOut.count("probe", () => `User-Agent ${JSON.stringify(userAgent!.slice(0, MAX_SHOWN_USER_AGENT))}, ${described(request)}`);
      return true;
    }
    return false;
  };
}
