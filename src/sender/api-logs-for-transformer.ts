/**
 * What OpenTelemetry's OTLP logs serializer takes from @opentelemetry/api-logs,
 * for the sender bundle only (tsup.config.ts redirects that one import here):
 * the value of `SeverityNumber.UNSPECIFIED`, which it leaves out of the body.
 * The package's index (its no-op logger provider, the global API) is not
 * wanted on the sender.
 */
export const SeverityNumber = Object.freeze({ UNSPECIFIED: 0 });
