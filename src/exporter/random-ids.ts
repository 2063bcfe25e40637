/**
 * Ids for what we name ourselves (a log record's own span id, the trace of a
 * record written outside any span), made as OpenTelemetry's
 * RandomIdGenerator makes them: random, never all zeros (an invalid id).
 */
const BYTES = Buffer.allocUnsafe(16);

function randomHex(byteCount: 8 | 16): string {
  for (let i = 0; i < byteCount / 4; i++) BYTES.writeUInt32BE((Math.random() * 2 ** 32) >>> 0, i * 4);
  // All zeros would be an invalid id: make it not.
  if (BYTES.subarray(0, byteCount).every((byte) => byte === 0)) BYTES[byteCount - 1] = 1;
  return BYTES.toString("hex", 0, byteCount);
}

/** 16 lowercase hex characters. */
export const randomSpanId = () => randomHex(8);
/** 32 lowercase hex characters. */
export const randomTraceId = () => randomHex(16);
