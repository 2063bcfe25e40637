export { AxonPushSpanExporter } from "./exporter.js";
export type { AxonPushSpanExporterOptions } from "./options.js";
export type { AppSpanEvent, AppSpanPayload } from "./event-types.js";
