// Run with --allow-natives-syntax. Builds a span event and a log event exactly as the sender does (records
// cloned as postMessage clones them, then mapped), with every string-building rule of ours at work: a dedupKey,
// a cut attribute and status message, a content preview, a URL with a hidden credential, a cut log body. Then
// asks V8 which of the events' strings are not flat: those with the map (V8's hidden class) of a cons or a sliced
// string. Prints `FLAT {json}`: how many strings it looked at, and the ones that are not flat.
import { SpanStatusCode } from "@opentelemetry/api";
import { deserialize, serialize } from "node:v8";
import { mapLogRecord } from "../src/exporter/map-log.js";
import { mapSpan } from "../src/exporter/map-span.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { ResourceTable, spansFromRecords } from "../src/sender/record-spans.js";
import { RecordMaker } from "../src/sender/records.js";
import { makeLogRecord, makeSpan } from "./mapping-fixture.js";

const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: string, b: string) => boolean;
const clone = <T>(value: T): T => deserialize(serialize(value)) as T;

const privacy = createPrivacy({ maxContentLength: 300, contentCapture: "redacted" });
const mapResource = createResourceMapper({ serviceName: "flat" }, privacy);
const long = "x".repeat(400);

const batch = clone(
  new RecordMaker().toRecords([
    makeSpan({
      status: { code: SpanStatusCode.ERROR, message: long },
      attributes: { "http.url": "https://api.example/reset?token=secret&user=ada", note: long, "gen_ai.prompt": long, count: 3 },
    }),
  ]),
);
const resources = new ResourceTable();
resources.learn(batch.resources);
const [span] = spansFromRecords(batch.spans, resources);
const spanEvent = mapSpan(span!, { channelId: "ch_1", sync: false, privacy, mapResource });

const logRecord = clone(makeLogRecord({ body: long, attributes: { name: "orders" } }));
const logEvent = mapLogRecord(logRecord, undefined, { sync: false, privacy, mapResource });

/** Every string of an event but its resource's (serialised once per resource, not per event: event-json.ts). */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) if (key !== "resource") stringsOf(item, out);
  }
  return out;
}

// What `a + b` and a `slice` make, one-byte and two-byte: the kinds of string that are not flat.
const id = (1e15 + Math.floor(Math.random() * 1e6)).toString(16);
const oneByte = "abcdefghij".repeat(10) + id;
const twoByte = `…${oneByte}`;
const notFlatKinds = { cons: `otel:${id}:${id}`, consTwoByte: `…otel:${id}:${id}`, sliced: oneByte.slice(3, 40), slicedTwoByte: twoByte.slice(0, 40) };

// A check of the check: a string `join` made must not share a map with any of those.
const referencesHold = !Object.values(notFlatKinds).some((kind) => haveSameMap(["otel:", id, ":", id].join(""), kind));

const strings = [...stringsOf(spanEvent), ...stringsOf(logEvent)];
const notFlat = strings.flatMap((value) =>
  Object.entries(notFlatKinds)
    .filter(([, kind]) => haveSameMap(value, kind))
    .map(([kind]) => ({ kind, value: value.slice(0, 60) })),
);
process.stdout.write(`FLAT ${JSON.stringify({ referencesHold, strings: strings.length, notFlat })}\n`);
