/**
 * Reads one HTTP/1.1 answer off a connection's bytes as they arrive, in
 * pieces of any size: the status, the two headers the exporter acts on
 * (`Retry-After`, `Connection`), and the body framed the three ways
 * RFC 9112 §6.3 allows (Content-Length, chunked, or until the server
 * closes). Interim answers (`100 Continue`, `103 Early Hints`) are skipped.
 *
 * Pure JavaScript on purpose: undici's parser is WebAssembly, which
 * `node --jitless` and a virtual memory limit take away (nodejs/node#56596).
 */

/** A head longer than this is not an AxonPush answer; the connection is dropped. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Longest chunk-size line (size, extensions) or trailer line accepted. */
const MAX_LINE_BYTES = 8 * 1024;
const CRLF_CRLF = Buffer.from("\r\n\r\n", "latin1");
const CRLF = Buffer.from("\r\n", "latin1");

export interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  /** The body's first `maxBodyBytes` bytes. */
  readonly body: Buffer;
  /** Whether the connection can carry another request: HTTP/1.1, no `Connection: close`, nothing after the answer. */
  readonly reusable: boolean;
}

export type ReadStep =
  | { readonly kind: "more" }
  | { readonly kind: "answer"; readonly answer: Answer }
  | { readonly kind: "malformed"; readonly message: string };

const MORE: ReadStep = { kind: "more" };

const enum Phase {
  Head,
  Fixed,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
}

export class AnswerReader {
  readonly #maxBodyBytes: number;
  #phase = Phase.Head;
  /** Bytes received and not consumed yet (a partial head or line). */
  #pending: Buffer | undefined;
  #status = 0;
  #retryAfter: string | undefined;
  #reusable = true;
  /** Body bytes still to come in the current fixed-length body or chunk. */
  #remaining = 0;
  #body: Buffer[] = [];
  #bodySize = 0;

  constructor(maxBodyBytes: number) {
    this.#maxBodyBytes = maxBodyBytes;
  }

  /** Feeds the next bytes of the connection; says whether the answer is complete. */
  push(chunk: Buffer): ReadStep {
    const bytes = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let at = 0;
    for (;;) {
      switch (this.#phase) {
        case Phase.Head: {
          const end = bytes.indexOf(CRLF_CRLF, at);
          if (end < 0) return this.#keep(bytes, at, MAX_HEAD_BYTES, "answer head too large");
          if (end - at > MAX_HEAD_BYTES) return { kind: "malformed", message: "answer head too large" };
          const problem = this.#readHead(bytes.toString("latin1", at, end));
          if (problem) return { kind: "malformed", message: problem };
          at = end + 4;
          if (this.#status < 200) continue; // an interim answer: the real one follows
          if (this.#phase === Phase.Head) return this.#done(bytes, at);
          continue;
        }
        case Phase.Fixed:
        case Phase.ChunkData: {
          const take = Math.min(this.#remaining, bytes.length - at);
          this.#keepBody(bytes, at, take);
          at += take;
          this.#remaining -= take;
          if (this.#remaining > 0) return MORE;
          if (this.#phase === Phase.Fixed) return this.#done(bytes, at);
          this.#phase = Phase.ChunkEnd;
          continue;
        }
        case Phase.ChunkEnd: {
          if (bytes.length - at < 2) return this.#keep(bytes, at, 2, "");
          if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) return { kind: "malformed", message: "chunk not followed by CRLF" };
          at += 2;
          this.#phase = Phase.ChunkSize;
          continue;
        }
        case Phase.ChunkSize: {
          const end = bytes.indexOf(CRLF, at);
          if (end < 0) return this.#keep(bytes, at, MAX_LINE_BYTES, "chunk size line too long");
          const size = chunkSizeOf(bytes.toString("latin1", at, end));
          if (size === undefined) return { kind: "malformed", message: "invalid chunk size" };
          at = end + 2;
          this.#remaining = size;
          this.#phase = size === 0 ? Phase.Trailers : Phase.ChunkData;
          continue;
        }
        case Phase.Trailers: {
          const end = bytes.indexOf(CRLF, at);
          if (end < 0) return this.#keep(bytes, at, MAX_LINE_BYTES, "trailer line too long");
          const empty = end === at;
          at = end + 2;
          if (empty) return this.#done(bytes, at);
          continue;
        }
        case Phase.UntilClose: {
          this.#keepBody(bytes, at, bytes.length - at);
          return MORE;
        }
      }
    }
  }

  /** The server closed the connection: an answer delimited by the close is complete, any other is cut short. */
  end(): Exclude<ReadStep, { kind: "more" }> {
    if (this.#phase === Phase.UntilClose) return { kind: "answer", answer: this.#answer(false) };
    return { kind: "malformed", message: this.#status === 0 ? "connection closed before the answer" : `connection closed mid-answer (HTTP ${this.#status})` };
  }

  /** Whether any byte of the answer has arrived. */
  get started(): boolean {
    return this.#status !== 0 || this.#pending !== undefined;
  }

  /** Parses a head; sets the status, the headers kept and the body's framing. Returns a problem, or undefined. */
  #readHead(head: string): string | undefined {
    // "HTTP/1.x NNN" then a space (and a reason) or nothing; read by position, this runs once per request.
    const minor = head.charCodeAt(7);
    if (!head.startsWith("HTTP/1.") || (minor !== 0x30 && minor !== 0x31) || head[8] !== " " || !/^\d{3}(?: |\r|$)/.test(head.slice(9, 13))) {
      return "not an HTTP/1 answer";
    }
    const status = Number(head.slice(9, 12));
    if (status < 100) return `invalid status ${status}`;
    if (status === 101) return "unexpected protocol switch (HTTP 101)";
    let contentLength: string | undefined;
    let transferEncoding: string | undefined;
    let connection = "";
    let retryAfter: string | undefined;
    let at = head.indexOf("\r\n");
    while (at >= 0) {
      const start = at + 2;
      at = head.indexOf("\r\n", start);
      const line = at < 0 ? head.slice(start) : head.slice(start, at);
      const colon = line.indexOf(":");
      if (colon <= 0 || line[0] === " " || line[0] === "\t") return "malformed header line";
      // Only four names matter; their lengths are 10, 11, 14 and 17, so most lines are passed over unread.
      if (colon !== 10 && colon !== 11 && colon !== 14 && colon !== 17) continue;
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") contentLength = contentLength === undefined ? value : `${contentLength},${value}`;
      else if (name === "transfer-encoding") transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
      else if (name === "connection") connection += `,${value.toLowerCase()}`;
      else if (name === "retry-after") retryAfter = value;
    }
    this.#status = status;
    if (status < 200) return undefined; // interim: no body, its headers are not the answer's
    this.#retryAfter = retryAfter;
    this.#reusable = minor === 0x31 && !(connection !== "" && connection.split(",").some((token) => token.trim() === "close"));
    if (status === 204 || status === 304) {
      this.#phase = Phase.Head;
    } else if (transferEncoding !== undefined) {
      // Chunked when it is the last coding; any other framing lasts until the server closes.
      const codings = transferEncoding.split(",").map((coding) => coding.trim().toLowerCase());
      if (codings[codings.length - 1] === "chunked") this.#phase = Phase.ChunkSize;
      else this.#untilClose();
    } else if (contentLength !== undefined) {
      // One value, nearly always (read as it is: nothing built per answer); repeated ones must all agree.
      const length = contentLength.includes(",") ? soleValueOf(contentLength) : contentLength;
      if (length === undefined || !/^\d{1,15}$/.test(length)) return "invalid Content-Length";
      this.#remaining = Number(length);
      this.#phase = this.#remaining === 0 ? Phase.Head : Phase.Fixed;
    } else {
      this.#untilClose();
    }
    return undefined;
  }

  #untilClose(): void {
    this.#phase = Phase.UntilClose;
    this.#reusable = false;
  }

  #keepBody(bytes: Buffer, from: number, length: number): void {
    if (length <= 0) return;
    if (this.#bodySize < this.#maxBodyBytes) this.#body.push(bytes.subarray(from, from + Math.min(length, this.#maxBodyBytes - this.#bodySize)));
    this.#bodySize += length;
  }

  /** Keeps the unconsumed bytes for the next piece, unless they already exceed `limit`. */
  #keep(bytes: Buffer, from: number, limit: number, tooLong: string): ReadStep {
    if (bytes.length - from > limit) return { kind: "malformed", message: tooLong };
    if (from < bytes.length) this.#pending = bytes.subarray(from);
    return MORE;
  }

  #done(bytes: Buffer, at: number): ReadStep {
    // Bytes after the answer were never asked for (one request at a time): the connection is not trusted again.
    return { kind: "answer", answer: this.#answer(this.#reusable && at === bytes.length) };
  }

  #answer(reusable: boolean): Answer {
    const body = this.#body.length === 1 ? this.#body[0]! : Buffer.concat(this.#body);
    return { status: this.#status, retryAfter: this.#retryAfter, body, reusable };
  }
}

/** The one value a repeated header's comma-joined values all have, or undefined when they differ. */
function soleValueOf(joined: string): string | undefined {
  const values = new Set(joined.split(",").map((value) => value.trim()));
  return values.size === 1 ? values.values().next().value : undefined;
}

/** The size of a chunk-size line (hexadecimal, extensions after `;` ignored), or undefined. */
function chunkSizeOf(line: string): number | undefined {
  const semicolon = line.indexOf(";");
  const digits = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
  return /^[0-9a-fA-F]{1,12}$/.test(digits) ? parseInt(digits, 16) : undefined;
}
