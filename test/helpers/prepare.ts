// What the sender thread builds from spans, in-process: the spans become records on
// "the app's thread", cross a structured clone as they do through postMessage, and
// become requests with the exporter's settings, exactly as a lane builds them.
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { resolveExporterSettings, type AxonPushSpanExporterOptions } from "../../src/exporter/options.js";
import { RecordMaker } from "../../src/sender/records.js";
import { RequestMaker } from "../../src/sender/request-maker.js";
import type { OutgoingRequest } from "../../src/transport/types.js";

export interface Preparer {
  /** The requests these spans become (a span that cannot be read or mapped is left out). */
  prepare(spans: readonly ReadableSpan[]): OutgoingRequest[];
}

/** One exporter's worth of record and request making: resources are told once, as a lane sees them. */
export function preparer(options: AxonPushSpanExporterOptions): Preparer {
  const records = new RecordMaker();
  const requests = new RequestMaker(resolveExporterSettings(options));
  return {
    prepare: (spans) => requests.fromRecords(structuredClone(records.toRecords(spans))).requests,
  };
}
