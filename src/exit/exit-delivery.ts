/**
 * The last chance, in Node's synchronous `exit` event (`process.exit(code)`,
 * an uncaught exception, or the end of a natural exit): every span that has
 * ended but not been delivered is sent by the sender thread while the app's
 * thread waits, within the deadline.
 *
 * The sender thread already holds what the exporter handed over (queued,
 * in flight, waiting to retry); spans that ended but never reached the
 * exporter are still in the batch processor's buffer (`PendingSpanProcessor`)
 * and are handed over now. Then the thread drains every lane and says what
 * could not be sent; the app's thread prints it before the process ends.
 * No second thread is started for this: the one that sends all along does
 * it (it is started now only if nothing was handed over before).
 */
import { logger } from "../diag.js";
import type { PendingSpanProcessor } from "./pending-span-processor.js";
import type { ExitExporter } from "./types.js";

export interface ExitDeliveryInputs {
  exporter: ExitExporter;
  pendingSpans?: PendingSpanProcessor;
}

/** Hands over what never reached the exporter, drains the sender within `timeoutMs`, says what was lost. Never throws. */
export function deliverAtExit(inputs: ExitDeliveryInputs, timeoutMs: number): void {
  const { exporter, pendingSpans } = inputs;
  const spans = pendingSpans?.pendingSpans() ?? [];
  if (spans.length > 0) {
    try {
      exporter.handOverAtExit(spans);
      // They are the sender's now; a second exit pass must not hand them over again.
      pendingSpans?.markHandedOff(spans);
    } catch (error) {
      logger.debug(`exit: could not hand over ${spans.length} pending spans: ${describe(error)}`);
    }
  }
  try {
    const outcome = exporter.drainAtExit(timeoutMs);
    logger.debug(`exit: sender drained: ${JSON.stringify(outcome)}`);
  } catch (error) {
    logger.debug(`exit: drain failed: ${describe(error)}`);
  }
  exporter.sayLossesAtExit();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
