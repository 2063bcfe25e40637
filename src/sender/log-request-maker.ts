/**
 * Log records → requests, with one exporter's settings, on the sender: one
 * `app.log` event per record (`POST /event`), or OTLP batches to
 * `/v1/logs` with `transport: "otlp"`; the same privacy and resource rules,
 * the same refused properties and OTLP encodings as the lane's spans.
 */
import type { Resource } from "@opentelemetry/resources";
import { logger } from "../diag.js";
import { mapLogRecord, type LogMapping } from "../exporter/map-log.js";
import type { ExporterSettings } from "../exporter/options.js";
import { OtlpLogViewer, otlpLogsRequest } from "../exporter/otlp-log-request.js";
import { createPrivacy } from "../exporter/privacy.js";
import { OTLP_MAX_SPANS_PER_REQUEST, type BuiltRequests } from "../exporter/request-builders.js";
import { createResourceMapper } from "../exporter/resource.js";
import { eventToRequest } from "../exporter/serialize.js";
import { decideOtlpEncoding, type ServerOtlpEncodings } from "../transport/otlp-encodings.js";
import type { OutgoingRequest } from "../transport/types.js";
import { LOG, type LogRecordRecord } from "./log-records.js";
import type { ResourceRecord } from "./records.js";
import { ResourceTable } from "./record-spans.js";

type Build = (records: readonly LogRecordRecord[], resources: readonly (Resource | undefined)[]) => BuiltRequests;

export class LogRequestMaker {
  readonly #resources = new ResourceTable();
  readonly #build: Build;

  /** `refused` and `encodings` as for spans (request-maker.ts): live, shared with the lane's spans. */
  constructor(settings: ExporterSettings, refused?: ReadonlySet<string>, encodings?: ServerOtlpEncodings) {
    const privacy = createPrivacy(settings);
    const mapResource = createResourceMapper(settings, privacy);
    if (settings.transport === "otlp") {
      const chunkSize = Math.max(1, Math.min(OTLP_MAX_SPANS_PER_REQUEST, settings.maxLogQueueSize));
      const options = {
        channelId: settings.channelId,
        viewer: new OtlpLogViewer(privacy, mapResource),
        encoding: encodings ? () => decideOtlpEncoding(settings.otlpEncoding, encodings) : settings.otlpEncoding,
      };
      this.#build = (records, resources) => otlpChunks(records, resources, chunkSize, options);
    } else {
      const mapping: LogMapping = { channelId: settings.channelId, sync: settings.mode === "sync", privacy, mapResource };
      this.#build = (records, resources) => logEvents(records, resources, mapping, refused);
    }
  }

  /** Learns the resources described with a batch; call for every batch, also one whose records are not all built. */
  learn(resources: readonly ResourceRecord[]): void {
    this.#resources.learn(resources);
  }

  fromRecords(records: readonly LogRecordRecord[]): BuiltRequests {
    return this.#build(
      records,
      records.map((record) => this.#resources.get(record[LOG.resource])),
    );
  }
}

function logEvents(
  records: readonly LogRecordRecord[],
  resources: readonly (Resource | undefined)[],
  mapping: LogMapping,
  refused: ReadonlySet<string> | undefined,
): BuiltRequests {
  const requests: OutgoingRequest[] = [];
  let failedSpans = 0;
  records.forEach((record, i) => {
    try {
      requests.push(eventToRequest(mapLogRecord(record, resources[i], mapping), refused));
    } catch (error) {
      failedSpans += 1;
      logger.debug(`could not map a log record: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return { requests, failedSpans };
}

function otlpChunks(
  records: readonly LogRecordRecord[],
  resources: readonly (Resource | undefined)[],
  chunkSize: number,
  options: Parameters<typeof otlpLogsRequest>[2],
): BuiltRequests {
  const requests: OutgoingRequest[] = [];
  let failedSpans = 0;
  for (let start = 0; start < records.length; start += chunkSize) {
    const end = Math.min(records.length, start + chunkSize);
    try {
      const request = otlpLogsRequest(records.slice(start, end), resources.slice(start, end), options);
      if (request) requests.push(request);
    } catch (error) {
      failedSpans += end - start;
      logger.debug(`could not encode ${end - start} log record(s) as OTLP: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { requests, failedSpans };
}
