/**
 * undici parses HTTP with WebAssembly. Where WebAssembly cannot run —
 * `node --jitless` turns it off, and a virtual memory limit (`ulimit -v`, as
 * shared hosts set) refuses the address space V8 reserves for it
 * (nodejs/node#56596) — every request through undici fails, and every span
 * would be lost. This sends through undici until undici says its parser
 * could not be set up, then through node:http (Node's parser is built in)
 * for good, starting with the very request that found out; where
 * WebAssembly is missing from the start, node:http is used at once.
 *
 * node:http does not go through the proxy variables (HTTPS_PROXY and the
 * rest); the debug line says so when they are set.
 */
import { logger } from "../diag.js";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

/** A client that can tell its parser could not be set up (UndiciTransport). */
export interface ParserDependentTransport extends Transport {
  /** Why its parser cannot run, once a request found out; undefined until then. */
  readonly parserUnavailable: string | undefined;
}

export interface ParserFallbackOptions {
  /** HTTPS_PROXY or HTTP_PROXY is set: the debug line says node:http does not use it. */
  proxyConfigured: boolean;
  /** Whether WebAssembly can run in this process (default: looked up); the tests say false. */
  webAssembly?: boolean;
}

export class ParserFallbackTransport implements Transport {
  readonly #undici: ParserDependentTransport;
  readonly #makeFallback: () => Transport;
  readonly #proxyConfigured: boolean;
  #fallback: Transport | undefined;

  constructor(undici: ParserDependentTransport, makeFallback: () => Transport, options: ParserFallbackOptions) {
    this.#undici = undici;
    this.#makeFallback = makeFallback;
    this.#proxyConfigured = options.proxyConfigured;
    if (!(options.webAssembly ?? webAssemblyAvailable())) this.#fallBack("WebAssembly is not available in this process (node --jitless?)");
  }

  async send(request: OutgoingRequest): Promise<SendResult> {
    if (this.#fallback) return this.#fallback.send(request);
    const result = await this.#undici.send(request);
    const why = this.#undici.parserUnavailable;
    if (why === undefined || result.kind === "success") return result;
    return this.#fallBack(why).send(request);
  }

  close(): void {
    this.#undici.close();
    this.#fallback?.close();
  }

  #fallBack(why: string): Transport {
    if (this.#fallback) return this.#fallback;
    this.#undici.close();
    this.#fallback = this.#makeFallback();
    const proxy = this.#proxyConfigured ? "; the proxy variables (HTTPS_PROXY, HTTP_PROXY) are not used on this path" : "";
    logger.debug(`undici's HTTP parser cannot run here (${why}): sending with node:http from now on${proxy}`);
    return this.#fallback;
  }
}

function webAssemblyAvailable(): boolean {
  const wasm = (globalThis as { WebAssembly?: { Instance?: unknown } }).WebAssembly;
  return typeof wasm === "object" && wasm !== null && typeof wasm.Instance === "function";
}
