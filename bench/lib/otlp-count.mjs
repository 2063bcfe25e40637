// Counts the spans in an OTLP ExportTraceServiceRequest without decoding it:
// protobuf (resource_spans = 1 → scope_spans = 2 → spans = 2) or JSON.
function readVarint(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Calls `visit(field, start, end)` for each length-delimited field of the message in buf[start, end). */
function eachField(buf, start, end, visit) {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    pos = afterKey;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(buf, pos);
      visit(field, afterLength, afterLength + length);
      pos = afterLength + length;
    } else return;
  }
}

export function countOtlpSpans(body, contentType = "") {
  if (String(contentType).includes("json")) {
    try {
      const parsed = JSON.parse(body.toString("utf8"));
      return (parsed.resourceSpans ?? []).reduce((n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans?.length ?? 0), 0), 0);
    } catch {
      return 0;
    }
  }
  let spans = 0;
  eachField(body, 0, body.length, (field, s, e) => {
    if (field !== 1) return;
    eachField(body, s, e, (f2, s2, e2) => {
      if (f2 !== 2) return;
      eachField(body, s2, e2, (f3) => {
        if (f3 === 2) spans++;
      });
    });
  });
  return spans;
}
