/** Every ingest the receiver serves. Add a route here to serve a new path. */
import { eventRoute } from "./event-route.js";
import { otlpLogsRoute, otlpTracesRoute } from "./otlp-route.js";
import type { Route } from "./route.js";

export const routes: Route[] = [eventRoute, otlpTracesRoute, otlpLogsRoute];

export function findRoute(method: string, path: string): Route | undefined {
  return routes.find((route) => route.method === method && route.path === path);
}
