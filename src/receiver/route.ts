/**
 * The route table. Each ingest is one handler in its own file; adding one
 * (the OTLP `/v1/traces` ingest) means one import and one line in `routes`.
 */
import type { ApiDialect } from "./api-versions.js";
import type { Reply } from "./reply.js";
import type { ReceiverStore } from "./store.js";
import type { OtlpIngestMode } from "./types.js";
import type { AuthExpectation } from "./validate-headers.js";

export interface RouteContext {
  readonly method: string;
  readonly path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly store: ReceiverStore;
  readonly auth: AuthExpectation;
  /** The imitated API version's rules. */
  readonly dialect: ApiDialect;
  /** The `channels` option: when set, any other channel is 404. */
  readonly channels: ReadonlySet<string> | undefined;
  /** The `otlp` option: which encodings `/v1/traces` takes. */
  readonly otlp: OtlpIngestMode;
}

export type RouteHandler = (context: RouteContext) => Reply;

export interface Route {
  readonly method: string;
  readonly path: string;
  readonly handle: RouteHandler;
  /** Optional one-time set-up, awaited before the receiver starts listening (e.g. loading a decoder). */
  readonly prepare?: () => Promise<unknown>;
}
