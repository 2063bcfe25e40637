/**
 * One parser per variable for what the preload leaves out of traces as noise
 * (src/preload/noise): requests to listed paths, health-check probes, and
 * dns/net spans without a parent.
 */
import { parseBoolean, parseList, type ParseContext } from "./parsers.js";

/**
 * AXONPUSH_IGNORE_PATHS: comma-separated request paths whose incoming
 * requests are not traced, each exact (`/healthz`) or a prefix ending in `*`
 * (`/internal/*`). An entry not starting with `/`, or with a `*` anywhere but
 * at its end, is reported once and left out.
 */
export function readIgnorePaths(ctx: ParseContext): string[] {
  const entries = parseList(ctx, "AXONPUSH_IGNORE_PATHS") ?? [];
  const valid = entries.filter((entry) => entry.startsWith("/") && !entry.slice(0, -1).includes("*"));
  const invalid = entries.filter((entry) => !valid.includes(entry));
  if (invalid.length > 0) {
    ctx.report(
      `AXONPUSH_IGNORE_PATHS must list paths starting with "/", each exact or ending in "*" (e.g. /healthz,/internal/*), ` +
        `got ${JSON.stringify(invalid.join(","))}; ignoring ${invalid.length === 1 ? "it" : "them"}.`,
    );
  }
  return valid;
}

/** AXONPUSH_TRACE_PROBES=true traces requests from health checkers (kube-probe/, ELB-HealthChecker/, …) as any other. */
export const readTraceProbes = (ctx: ParseContext) => parseBoolean(ctx, "AXONPUSH_TRACE_PROBES", false);

/** AXONPUSH_TRACE_ORPHAN_DNS_NET=true records dns and net spans that have no parent span. */
export const readTraceOrphanDnsNet = (ctx: ParseContext) => parseBoolean(ctx, "AXONPUSH_TRACE_ORPHAN_DNS_NET", false);
