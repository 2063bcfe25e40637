/**
 * The AxonPush API versions the exporter's suites run against
 * (`describe.each(SUITE_APIS)`), through the local receiver's imitation of
 * each (/work/shared/axonpush-api.md). `go` is production; `nest`, the first
 * backend, is the strictest other one (tenant and channel required, `dedupKey`
 * refused, duplicates recognised by Idempotency-Key). `go-dev` only adds a
 * property we never send, so it adds nothing to these suites but time.
 */
import { expect } from "vitest";
import type { AxonPushApiVersion, LocalReceiver } from "../../src/receiver/index.js";

export const SUITE_APIS = ["go", "nest"] as const satisfies readonly AxonPushApiVersion[];
export type SuiteApi = (typeof SUITE_APIS)[number];

/** The body properties each version refuses among those we send (left out after the first refusal). */
export const REFUSED_BY: Readonly<Record<SuiteApi, readonly string[]>> = { go: [], nest: ["dedupKey"] };

/**
 * Nothing we sent was refused, except (on nest) the property it refuses by
 * name, which the exporter then leaves out: every refusal must name it.
 */
export function expectOnlyExpectedRefusals(receiver: Pick<LocalReceiver, "rejections">, api: SuiteApi): void {
  const refused = REFUSED_BY[api];
  if (refused.length === 0) {
    expect(receiver.rejections).toEqual([]);
    return;
  }
  for (const rejection of receiver.rejections) {
    expect(refused.some((name) => rejection.message.includes(`property ${name} should not exist`)), rejection.message).toBe(true);
  }
}
