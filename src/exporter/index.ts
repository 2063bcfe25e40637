export { AxonPushSpanExporter } from "./exporter.js";
export { AxonPushBatchSpanProcessor } from "./batch-span-processor.js";
export type { AxonPushSpanExporterOptions } from "./options.js";
export type { AppSpanEvent, AppSpanPayload } from "./event-types.js";
