export type { AxonPushOtelConfig, ContentCaptureMode, Env, StartOptions, ExportMode, ExtraTraceExporter, OtlpProtocol, TransportKind } from "./types.js";
export { resolveConfig, missingRequired } from "./resolve.js";
export { mergeWithDotEnv, readDotEnv } from "./dotenv.js";
export { reportToStderr, type Reporter } from "./report.js";
export { DEFAULTS } from "./axonpush-variables.js";
