/**
 * Health checkers, recognised by their User-Agent: load balancers, container
 * orchestrators and uptime services that request an app every few seconds
 * to see that it answers. Their requests are not traced (noise.ts); the
 * README lists these. Matched anywhere in the header, ignoring case (some
 * put theirs inside a browser-like string).
 */
export const PROBE_USER_AGENTS: readonly { marker: string; sentBy: string }[] = [
  { marker: "kube-probe/", sentBy: "Kubernetes (liveness, readiness and startup probes)" },
  { marker: "ELB-HealthChecker/", sentBy: "AWS Elastic Load Balancing" },
  { marker: "Amazon-Route53-Health-Check-Service", sentBy: "AWS Route 53 health checks" },
  { marker: "GoogleHC/", sentBy: "Google Cloud load balancing health checks" },
  { marker: "GoogleStackdriverMonitoring-UptimeChecks", sentBy: "Google Cloud Monitoring uptime checks" },
  { marker: "Azure Traffic Manager Endpoint Monitor", sentBy: "Azure Traffic Manager" },
  { marker: "Edge Health Probe", sentBy: "Azure Front Door" },
  { marker: "Consul Health Check", sentBy: "HashiCorp Consul" },
  { marker: "Envoy/HC", sentBy: "Envoy active health checks (Istio and other Envoy proxies)" },
  { marker: "UptimeRobot/", sentBy: "UptimeRobot" },
  { marker: "Pingdom.com_bot", sentBy: "Pingdom" },
  { marker: "Better Uptime Bot", sentBy: "Better Stack uptime monitoring" },
  { marker: "Site24x7", sentBy: "Site24x7" },
];

const LOWERCASE_MARKERS = PROBE_USER_AGENTS.map(({ marker }) => marker.toLowerCase());

/** Whether a request's User-Agent header is a health checker's. */
export function isProbeUserAgent(userAgent: string | undefined): boolean {
  if (!userAgent) return false;
  const lower = userAgent.toLowerCase();
  return LOWERCASE_MARKERS.some((marker) => lower.includes(marker));
}
