// Unit tests of AnswerReader, the HTTP/1.1 answer parser of Http1Transport: framing (Content-Length, chunked,
// until close), interim answers, whether the connection may be reused, the body limit, and every malformed
// case it must refuse. The same bytes must give the same result however the network splits them.
import { describe, expect, it } from "vitest";
import { AnswerReader, MAX_HEAD_BYTES, type ReadStep } from "../src/transport/http1/answer-reader.js";

const MAX_BODY = 16 * 1024;
const bytes = (text: string) => Buffer.from(text, "latin1");

/** Feeds `pieces` in order; returns the first step that is not "more" (and how many pieces it took), or the last "more". */
function feed(pieces: Buffer[], reader = new AnswerReader(MAX_BODY)): { step: ReadStep; used: number; reader: AnswerReader } {
  let step: ReadStep = { kind: "more" };
  for (let i = 0; i < pieces.length; i++) {
    step = reader.push(pieces[i]!);
    if (step.kind !== "more") return { step, used: i + 1, reader };
  }
  return { step, used: pieces.length, reader };
}

const whole = (text: string, reader?: AnswerReader) => feed([bytes(text)], reader).step;

/** Every way to cut `buffer` in two, and the one-byte-at-a-time way. */
function splits(buffer: Buffer): { name: string; pieces: Buffer[] }[] {
  const ways: { name: string; pieces: Buffer[] }[] = [];
  for (let at = 1; at < buffer.length; at++) ways.push({ name: `cut at ${at}`, pieces: [buffer.subarray(0, at), buffer.subarray(at)] });
  ways.push({ name: "one byte at a time", pieces: [...buffer].map((byte) => Buffer.from([byte])) });
  return ways;
}

function answerOf(step: ReadStep) {
  if (step.kind !== "answer") throw new Error(`expected an answer, got ${JSON.stringify(step)}`);
  return { ...step.answer, body: step.answer.body.toString("latin1") };
}

const CONTENT_LENGTH = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n" + '{"id":"e1"}';
// Chunk extensions (with and without whitespace before ';', quoted values), upper/lower-case hex, a chunk
// holding CRLFs of its own, and trailer fields after the last chunk.
const CHUNKED =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
  "4;name=value\r\nWiki\r\n" +
  '5 ;q="x;y"\r\npedia\r\n' +
  "E\r\n in\r\n\r\nchunks.\r\n" +
  "a\r\n0123456789\r\n" +
  "0;last\r\nExpires: never\r\nX-Trailer: 1\r\n\r\n";
const CHUNKED_BODY = "Wikipedia in\r\n\r\nchunks.0123456789";
const INTERIM =
  "HTTP/1.1 100 Continue\r\n\r\n" +
  "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\nRetry-After: 99\r\nConnection: close\r\n\r\n" +
  "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok";

describe("AnswerReader: framing", () => {
  it("reads a Content-Length body", () => {
    expect(answerOf(whole(CONTENT_LENGTH))).toEqual({ status: 201, retryAfter: undefined, body: '{"id":"e1"}', reusable: true });
  });

  it("waits for the rest of a Content-Length body", () => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.push(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe"))).toEqual({ kind: "more" });
    expect(answerOf(reader.push(bytes("llo")))).toMatchObject({ status: 200, body: "hello", reusable: true });
  });

  it("completes a Content-Length: 0 answer at the end of its head", () => {
    expect(answerOf(whole("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))).toEqual({ status: 200, retryAfter: undefined, body: "", reusable: true });
  });

  it("reads header names in any case and accepts repeated identical Content-Lengths", () => {
    expect(answerOf(whole("HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 2\r\n\r\nok"))).toMatchObject({ body: "ok", reusable: true });
    expect(answerOf(whole("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok"))).toMatchObject({ body: "ok", reusable: true });
    expect(answerOf(whole("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nContent-Length: 2\r\n\r\nok"))).toMatchObject({ body: "ok", reusable: true });
  });

  it("reads a chunked body, ignoring chunk extensions and trailers", () => {
    expect(answerOf(whole(CHUNKED))).toEqual({ status: 200, retryAfter: undefined, body: CHUNKED_BODY, reusable: true });
  });

  it("reads a chunked body with no trailers, and one whose only chunk is the last", () => {
    expect(answerOf(whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))).toMatchObject({ body: "ok", reusable: true });
    expect(answerOf(whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))).toMatchObject({ body: "", reusable: true });
  });

  it("uses chunked framing when chunked is the last coding, and lets it override Content-Length", () => {
    const gzipThenChunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
    expect(answerOf(whole(gzipThenChunked))).toMatchObject({ body: "ok", reusable: true });
    // Two Transfer-Encoding lines are one list.
    const twoLines = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
    expect(answerOf(whole(twoLines))).toMatchObject({ body: "ok", reusable: true });
    // RFC 9112 §6.3: Transfer-Encoding wins over Content-Length (here a length that would cut the body short).
    const both = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
    expect(answerOf(whole(both))).toMatchObject({ body: "ok" });
  });

  it("reads a body with neither length nor chunking until the server closes, and never reuses that connection", () => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.push(bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello "))).toEqual({ kind: "more" });
    expect(reader.push(bytes("world"))).toEqual({ kind: "more" });
    expect(answerOf(reader.end())).toEqual({ status: 200, retryAfter: undefined, body: "hello world", reusable: false });
  });

  it("completes a close-delimited answer with no body at all on end()", () => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.push(bytes("HTTP/1.1 500 Internal Server Error\r\n\r\n"))).toEqual({ kind: "more" });
    expect(answerOf(reader.end())).toMatchObject({ status: 500, body: "", reusable: false });
  });

  it("reads until close when the last coding is not chunked", () => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.push(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\nabcdef"))).toEqual({ kind: "more" });
    expect(answerOf(reader.end())).toMatchObject({ status: 200, body: "abcdef", reusable: false });
  });

  it.each([204, 304])("expects no body after %i, whatever its headers say", (status) => {
    // A 304 may carry the Content-Length of the representation it stands for; no body follows it.
    expect(answerOf(whole(`HTTP/1.1 ${status} X\r\n\r\n`))).toEqual({ status, retryAfter: undefined, body: "", reusable: true });
    expect(answerOf(whole(`HTTP/1.1 ${status} X\r\nContent-Length: 100\r\n\r\n`))).toEqual({ status, retryAfter: undefined, body: "", reusable: true });
  });

  it("accepts a status line without a reason phrase", () => {
    expect(answerOf(whole("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"))).toMatchObject({ status: 200, reusable: true });
  });
});

describe("AnswerReader: interim answers", () => {
  it("skips 100 Continue and 103 Early Hints (and their headers) before the real answer", () => {
    // The 103's Retry-After and Connection: close are not the answer's.
    expect(answerOf(whole(INTERIM))).toEqual({ status: 202, retryAfter: undefined, body: "ok", reusable: true });
  });

  it("keeps waiting after an interim answer that arrives alone", () => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.started).toBe(false);
    expect(reader.push(bytes("HTTP/1.1 100 Continue\r\n\r\n"))).toEqual({ kind: "more" });
    expect(reader.started).toBe(true);
    expect(answerOf(reader.push(bytes("HTTP/1.1 204 No Content\r\n\r\n")))).toMatchObject({ status: 204, reusable: true });
  });
});

describe("AnswerReader: whether the connection can be reused", () => {
  it.each([
    ["Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"],
    ["Connection: Close, in any case", "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 2\r\n\r\nok"],
    ["close among other tokens", "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok"],
    ["close on a second Connection line", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"],
    ["HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"],
    ["HTTP/1.0 even with keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"],
    ["Connection: close on a chunked answer", "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"],
  ])("is not reusable with %s", (_name, text) => {
    expect(answerOf(whole(text))).toMatchObject({ status: 200, body: "ok", reusable: false });
  });

  it("is reusable with Connection: keep-alive (or other tokens that are not close)", () => {
    expect(answerOf(whole("HTTP/1.1 200 OK\r\nConnection: keep-alive, closed\r\nContent-Length: 2\r\n\r\nok"))).toMatchObject({ reusable: true });
  });

  it.each([
    ["a Content-Length answer", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"],
    ["a chunked answer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"],
    ["a 204", "HTTP/1.1 204 No Content\r\n\r\n"],
  ])("is not reusable when bytes follow %s in the same piece (never asked for: one request at a time)", (_name, text) => {
    expect(answerOf(whole(text))).toMatchObject({ reusable: true });
    expect(answerOf(whole(text + "HTTP/1.1 200 OK\r\n"))).toMatchObject({ reusable: false });
    expect(answerOf(whole(text + "x"))).toMatchObject({ reusable: false });
  });
});

describe("AnswerReader: body limit", () => {
  const big = "0123456789".repeat(10);

  it("keeps only the first maxBodyBytes of a Content-Length body, and still reads it all", () => {
    const answer = answerOf(whole(`HTTP/1.1 500 X\r\nContent-Length: ${big.length}\r\n\r\n${big}`, new AnswerReader(15)));
    // Reusable: the whole body was consumed, so the next answer starts where it should.
    expect(answer).toEqual({ status: 500, retryAfter: undefined, body: big.slice(0, 15), reusable: true });
  });

  it("keeps only the first maxBodyBytes across chunks, one byte at a time too", () => {
    const text = `HTTP/1.1 500 X\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n${big.slice(0, 7)}\r\n5d\r\n${big.slice(7)}\r\n0\r\n\r\n`;
    expect(answerOf(whole(text, new AnswerReader(15)))).toMatchObject({ body: big.slice(0, 15), reusable: true });
    const oneByOne = feed([...bytes(text)].map((byte) => Buffer.from([byte])), new AnswerReader(15));
    expect(answerOf(oneByOne.step)).toMatchObject({ body: big.slice(0, 15), reusable: true });
  });

  it("keeps only the first maxBodyBytes of a close-delimited body", () => {
    const reader = new AnswerReader(15);
    reader.push(bytes(`HTTP/1.1 500 X\r\n\r\n${big.slice(0, 10)}`));
    reader.push(bytes(big.slice(10)));
    expect(answerOf(reader.end())).toMatchObject({ body: big.slice(0, 15), reusable: false });
  });

  it("keeps no body with maxBodyBytes 0", () => {
    expect(answerOf(whole(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n${big}`, new AnswerReader(0)))).toMatchObject({ body: "", reusable: true });
  });
});

describe("AnswerReader: Retry-After", () => {
  it.each([
    ["120", "120"],
    ["  7  ", "7"],
    ["Wed, 21 Oct 2037 07:28:00 GMT", "Wed, 21 Oct 2037 07:28:00 GMT"],
  ])("reads Retry-After %j", (value, expected) => {
    const answer = answerOf(whole(`HTTP/1.1 503 Service Unavailable\r\nretry-after:${value}\r\nContent-Length: 0\r\n\r\n`));
    expect(answer).toMatchObject({ status: 503, retryAfter: expected });
  });

  it("has no Retry-After when the answer has none", () => {
    expect(answerOf(whole("HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n")).retryAfter).toBeUndefined();
  });
});

describe("AnswerReader: the same answer however the bytes are split", () => {
  // Split invariance holds for complete answers with nothing after them: bytes after the answer only count when
  // they arrive with it (later ones are the connection's business: "unexpected bytes from the server").
  const answers: [string, string, ReturnType<typeof answerOf>][] = [
    ["Content-Length", CONTENT_LENGTH, { status: 201, retryAfter: undefined, body: '{"id":"e1"}', reusable: true }],
    ["chunked with extensions and trailers", CHUNKED, { status: 200, retryAfter: undefined, body: CHUNKED_BODY, reusable: true }],
    ["interim answers first", INTERIM, { status: 202, retryAfter: undefined, body: "ok", reusable: true }],
    ["204", "HTTP/1.1 204 No Content\r\nRetry-After: 3\r\n\r\n", { status: 204, retryAfter: "3", body: "", reusable: true }],
    ["Connection: close", "HTTP/1.1 429 X\r\nConnection: close\r\nRetry-After: 5\r\nContent-Length: 3\r\n\r\nabc", { status: 429, retryAfter: "5", body: "abc", reusable: false }],
  ];

  it.each(answers)("%s", (_name, text, expected) => {
    const buffer = bytes(text);
    expect(answerOf(whole(text))).toEqual(expected);
    for (const { name, pieces } of splits(buffer)) {
      const { step, used } = feed(pieces);
      // The answer completes with its last byte, not before.
      expect(used, name).toBe(pieces.length);
      expect(answerOf(step), name).toEqual(expected);
    }
  });

  it("a close-delimited answer", () => {
    const buffer = bytes("HTTP/1.1 200 OK\r\nRetry-After: 1\r\n\r\nuntil the end");
    for (const { name, pieces } of splits(buffer)) {
      const { step, reader } = feed(pieces);
      expect(step, name).toEqual({ kind: "more" });
      expect(answerOf(reader.end()), name).toEqual({ status: 200, retryAfter: "1", body: "until the end", reusable: false });
    }
  });

  it.each([
    ["a bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nxyz\r\n", "invalid chunk size"],
    ["a chunk without its CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokk\r\n0\r\n\r\n", "chunk not followed by CRLF"],
    ["a conflicting Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "invalid Content-Length"],
    ["an obs-fold", "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 0\r\n\r\n", "malformed header line"],
  ])("malformed: %s", (_name, text, message) => {
    expect(whole(text)).toEqual({ kind: "malformed", message });
    for (const { name, pieces } of splits(bytes(text))) expect(feed(pieces).step, name).toEqual({ kind: "malformed", message });
  });
});

describe("AnswerReader: malformed answers", () => {
  it.each([
    ["not HTTP at all", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "not an HTTP/1 answer"],
    ["HTTP/2", "HTTP/2 200\r\n\r\n", "not an HTTP/1 answer"],
    ["HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", "not an HTTP/1 answer"],
    ["lower-case http", "http/1.1 200 OK\r\n\r\n", "not an HTTP/1 answer"],
    ["a two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "not an HTTP/1 answer"],
    ["a four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", "not an HTTP/1 answer"],
    ["a status that is not a number", "HTTP/1.1 abc OK\r\n\r\n", "not an HTTP/1 answer"],
    ["a status below 100", "HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n", "invalid status 99"],
    ["a protocol switch", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "unexpected protocol switch (HTTP 101)"],
    ["a Content-Length that is not a number", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "invalid Content-Length"],
    ["a negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"],
    ["an empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "invalid Content-Length"],
    ["a 16-digit Content-Length", `HTTP/1.1 200 OK\r\nContent-Length: ${"9".repeat(16)}\r\n\r\n`, "invalid Content-Length"],
    ["conflicting Content-Lengths in one line", "HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nok", "invalid Content-Length"],
    ["conflicting Content-Length lines", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "invalid Content-Length"],
    ["a chunk size that is not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size"],
    ["an empty chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "invalid chunk size"],
    ["a 0x chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nok\r\n", "invalid chunk size"],
    ["a negative chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nok\r\n", "invalid chunk size"],
    ["a 13-digit chunk size", `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"f".repeat(13)}\r\n`, "invalid chunk size"],
    ["a chunk followed by other bytes than CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXY0\r\n\r\n", "chunk not followed by CRLF"],
    ["a chunk followed by a bare LF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\n0\r\n\r\n", "chunk not followed by CRLF"],
    ["an obs-fold continuation (space)", "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 0\r\n\r\n", "malformed header line"],
    ["an obs-fold continuation (tab)", "HTTP/1.1 200 OK\r\nX-A: b\r\n\tc\r\nContent-Length: 0\r\n\r\n", "malformed header line"],
    ["a header line without a colon", "HTTP/1.1 200 OK\r\nNoColonHere\r\nContent-Length: 0\r\n\r\n", "malformed header line"],
    ["a header line with an empty name", "HTTP/1.1 200 OK\r\n: value\r\nContent-Length: 0\r\n\r\n", "malformed header line"],
    ["a malformed interim answer", "HTTP/1.1 100 Continue\r\n folded\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "malformed header line"],
    ["a malformed answer after an interim one", "HTTP/1.1 100 Continue\r\n\r\nnonsense\r\n\r\n", "not an HTTP/1 answer"],
  ])("refuses %s", (_name, text, message) => {
    expect(whole(text)).toEqual({ kind: "malformed", message });
  });

  it("refuses a head that grows past MAX_HEAD_BYTES without ending", () => {
    const endless = bytes(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}`);
    expect(whole(endless.toString("latin1"))).toEqual({ kind: "malformed", message: "answer head too large" });
    // In 1 KiB pieces: refused as soon as the kept bytes pass the limit, not later.
    const pieces: Buffer[] = [];
    for (let at = 0; at < endless.length; at += 1024) pieces.push(endless.subarray(at, at + 1024));
    const { step, used } = feed(pieces);
    expect(step).toEqual({ kind: "malformed", message: "answer head too large" });
    expect(used).toBe(Math.ceil((MAX_HEAD_BYTES + 1) / 1024));
  });

  it("accepts a head of exactly MAX_HEAD_BYTES, even one byte at a time", () => {
    const start = "HTTP/1.1 200 OK\r\nX-Pad: ";
    const end = "\r\nContent-Length: 0\r\n\r\n";
    const text = start + "p".repeat(MAX_HEAD_BYTES - start.length - end.length) + end;
    expect(text.length).toBe(MAX_HEAD_BYTES);
    expect(answerOf(whole(text))).toMatchObject({ status: 200, reusable: true });
    const reader = new AnswerReader(MAX_BODY);
    let step: ReadStep = { kind: "more" };
    for (let at = 0; at < text.length && step.kind === "more"; at += 1) step = reader.push(bytes(text[at]!));
    expect(answerOf(step)).toMatchObject({ status: 200, reusable: true });
  });

  it("refuses a chunk-size line or a trailer line that never ends", () => {
    const sizeLine = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;${"x".repeat(9000)}`;
    expect(whole(sizeLine)).toEqual({ kind: "malformed", message: "chunk size line too long" });
    const trailer = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ${"x".repeat(9000)}`;
    expect(whole(trailer)).toEqual({ kind: "malformed", message: "trailer line too long" });
  });

  // The limit once held only while the head was incomplete: a longer head whose end came in the same piece
  // (over TCP, up to ~128 KiB in two 64 KiB reads) was read as a 200.
  it("refuses a complete head longer than MAX_HEAD_BYTES whatever the split", () => {
    const text = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES + 1000)}\r\nContent-Length: 0\r\n\r\n`;
    const buffer = bytes(text);
    // In 1 KiB pieces...
    const pieces: Buffer[] = [];
    for (let at = 0; at < buffer.length; at += 1024) pieces.push(buffer.subarray(at, at + 1024));
    expect(feed(pieces).step).toEqual({ kind: "malformed", message: "answer head too large" });
    // ...as two TCP-sized reads, or in one piece.
    expect(feed([buffer.subarray(0, 65_536), buffer.subarray(65_536)]).step).toEqual({ kind: "malformed", message: "answer head too large" });
    expect(whole(text)).toEqual({ kind: "malformed", message: "answer head too large" });
  });
});

describe("AnswerReader: the server closes the connection", () => {
  it("before any byte", () => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.started).toBe(false);
    expect(reader.end()).toEqual({ kind: "malformed", message: "connection closed before the answer" });
  });

  it("in the middle of the status line: started, but no status yet", () => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.push(bytes("HTTP/1."))).toEqual({ kind: "more" });
    expect(reader.started).toBe(true);
    expect(reader.end()).toEqual({ kind: "malformed", message: "connection closed before the answer" });
  });

  it.each([
    ["a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 200],
    ["the head, once the status is read", "HTTP/1.1 503 X\r\nContent-Length: 10\r\n\r\n", 503],
    ["a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 200],
    ["the CRLF after a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r", 200],
    ["a chunk-size line", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n1", 200],
    ["the trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n", 200],
    ["the answer after an interim one", "HTTP/1.1 100 Continue\r\n\r\n", 100],
  ])("in the middle of %s", (_name, text, status) => {
    const reader = new AnswerReader(MAX_BODY);
    expect(reader.push(bytes(text))).toEqual({ kind: "more" });
    expect(reader.started).toBe(true);
    expect(reader.end()).toEqual({ kind: "malformed", message: `connection closed mid-answer (HTTP ${status})` });
  });
});
