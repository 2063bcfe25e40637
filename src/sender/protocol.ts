/**
 * What the app's thread and the sender thread say to each other. Plain data
 * only: every message is cloned by `postMessage`.
 *
 * One sender thread per process serves every exporter in it; each exporter
 * is a "lane" with a number, set up by an `open` message that carries its
 * settings. Messages are handled in order, so a `flush` answers only once
 * everything posted before it has settled.
 */
import type { AxonPushClientOptions } from "../client.js";
import type { ExporterSettings } from "../exporter/options.js";
import type { LossCounts } from "./losses.js";
import type { NoticeLevel } from "./delivery-reporter.js";
import type { LogBatch } from "./log-records.js";
import type { RecordBatch } from "./records.js";

/** The standard proxy variables, read on the app's thread (the sender thread gets no environment). */
export interface ProxySettings {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy?: string;
}

/** Everything a lane needs to send as its exporter would. */
export interface LaneSettings {
  /** The key is in here: it stays inside this process. */
  readonly client: Required<Pick<AxonPushClientOptions, "apiKey">> & Omit<AxonPushClientOptions, "apiKey">;
  readonly exporter: ExporterSettings;
  readonly proxy: ProxySettings;
  /** AXONPUSH_DEBUG: the counters are said too. */
  readonly debug: boolean;
}

export type ToSender =
  /**
   * `shared`: two Int32s the sender keeps up to date for the app's thread,
   * without a message back per batch: [0] every span taken off the channel
   * (modulo 2^32), so the app's thread can bound what it has handed over but
   * the sender has not taken yet; [1] the spans the lane holds now, so what
   * a dying thread held is known and counted; [2] and [3] the same for log
   * records (the `logs` messages).
   */
  | { readonly type: "open"; readonly lane: number; readonly settings: LaneSettings; readonly shared: SharedArrayBuffer }
  /** `appLosses`: the lane's cumulative losses counted on the app's thread. */
  | { readonly type: "spans"; readonly lane: number; readonly batch: RecordBatch; readonly appLosses?: Partial<LossCounts> }
  /** Log records for the lane's log line; `appLosses` counts log records lost on the app's thread. */
  | { readonly type: "logs"; readonly lane: number; readonly batch: LogBatch; readonly appLosses?: Partial<LossCounts> }
  | { readonly type: "flush"; readonly lane: number; readonly id: number }
  | { readonly type: "shutdown"; readonly lane: number; readonly id: number; readonly timeoutMs: number }
  /**
   * The process is ending: send what every lane holds until `deadline`
   * (epoch ms), then store `seq` into the shared exit word and notify.
   */
  | { readonly type: "exit"; readonly deadline: number; readonly seq: number };

export type FromSender =
  | { readonly type: "done"; readonly id: number }
  | { readonly type: "notice"; readonly level: NoticeLevel; readonly line: string };

/** What the worker gets at start: the shared word the exit drain signals on. */
export interface SenderWorkerData {
  readonly axonpushSender: true;
  readonly exitSignal: SharedArrayBuffer;
}
