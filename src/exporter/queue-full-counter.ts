/**
 * The batch processor drops a span without a word when its queue is full
 * (only a diag line, once the queue has room again). Its one public window
 * on that is the self-observability meter it is given: it counts every
 * span it is done with on `otel.sdk.processor.span.processed`, the drops
 * with `error.type: queue_full`. This meter provider hands it a counter
 * that reports those drops, synchronously, and nothing else; every other
 * instrument is the API's no-op.
 */
import { createNoopMeter, type Attributes, type Counter, type Meter, type MeterProvider } from "@opentelemetry/api";

const PROCESSED_SPANS = "otel.sdk.processor.span.processed";
const QUEUE_FULL = "queue_full";

export function queueFullCounter(onDrop: (count: number) => void): MeterProvider {
  const noop = createNoopMeter();
  const dropCounter: Counter = {
    add(value: number, attributes?: Attributes) {
      if (attributes?.["error.type"] === QUEUE_FULL && value > 0) onDrop(value);
    },
  };
  // Every instrument of the no-op meter, but the one counter we read.
  const meter: Meter = Object.create(noop) as Meter;
  meter.createCounter = ((name: string, options?: Parameters<Meter["createCounter"]>[1]) =>
    name === PROCESSED_SPANS ? dropCounter : noop.createCounter(name, options)) as Meter["createCounter"];
  return { getMeter: () => meter };
}
