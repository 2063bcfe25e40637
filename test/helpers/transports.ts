/**
 * The two ways the preload can ship spans to AxonPush. End-to-end suites run
 * once per entry (`describe.each(TRANSPORTS)`), so the same fixtures and the
 * same trace-tree assertions hold for both.
 */
export interface TransportCase {
  readonly name: "events" | "otlp";
  /** Added to the fixture's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The ingest path the exporter posts to. */
  readonly path: string;
  /** `ReceivedSpan.via` of the spans it delivers. */
  readonly via: "event" | "otlp";
}

export const EVENTS_TRANSPORT: TransportCase = { name: "events", env: {}, path: "/event", via: "event" };
export const OTLP_TRANSPORT: TransportCase = { name: "otlp", env: { AXONPUSH_TRANSPORT: "otlp" }, path: "/v1/traces", via: "otlp" };

export const TRANSPORTS: readonly TransportCase[] = [EVENTS_TRANSPORT, OTLP_TRANSPORT];
