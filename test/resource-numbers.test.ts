// Resources cross to the sender by number (src/sender/resource-numbers.ts):
// each described once, also one whose async attributes are still pending.
// A log storm at start-up, before detection settled, once described the
// resource again with every record: the sender's tables grew by one resource
// per record (1,000,000 pino lines in one turn: +1.1 GB).
import { resourceFromAttributes } from "@opentelemetry/resources";
import { describe, expect, it } from "vitest";
import type { ResourceRecord } from "../src/sender/records.js";
import { ResourceNumbers } from "../src/sender/resource-numbers.js";

function pendingResource() {
  let release!: () => void;
  const later = new Promise<string>((resolve) => {
    release = () => resolve("h-1");
  });
  const resource = resourceFromAttributes({ "service.name": "svc", "host.id": later as never });
  return { resource, release };
}

describe("ResourceNumbers", () => {
  it("describes a settled resource once, however many records name it", () => {
    const numbers = new ResourceNumbers();
    const resource = resourceFromAttributes({ "service.name": "svc" });
    const described: ResourceRecord[] = [];
    const ids = Array.from({ length: 1000 }, () => numbers.numberOf(resource, described));
    expect(new Set(ids)).toEqual(new Set([1]));
    expect(described).toEqual([{ id: 1, attributes: { "service.name": "svc" } }]);
    expect(numbers.numberOf(undefined, described)).toBe(0);
  });

  it("describes a pending resource once with what has settled, then once more, complete, under the same number", async () => {
    const numbers = new ResourceNumbers();
    const { resource, release } = pendingResource();
    const described: ResourceRecord[] = [];
    const whilePending = Array.from({ length: 1000 }, () => numbers.numberOf(resource, described));
    expect(new Set(whilePending)).toEqual(new Set([1]));
    expect(described).toEqual([{ id: 1, attributes: { "service.name": "svc" } }]);

    release();
    // Nothing else asked the resource to settle: numbering it set that off.
    await new Promise((resolve) => setImmediate(resolve));
    expect(resource.asyncAttributesPending).toBe(false);
    const settled = Array.from({ length: 1000 }, () => numbers.numberOf(resource, described));
    expect(new Set(settled)).toEqual(new Set([1]));
    expect(described).toEqual([
      { id: 1, attributes: { "service.name": "svc" } },
      { id: 1, attributes: { "service.name": "svc", "host.id": "h-1" } },
    ]);
  });

  it("numbers different resources apart", () => {
    const numbers = new ResourceNumbers();
    const described: ResourceRecord[] = [];
    const a = numbers.numberOf(resourceFromAttributes({ "service.name": "a" }), described);
    const b = numbers.numberOf(pendingResource().resource, described);
    expect([a, b]).toEqual([1, 2]);
    expect(described.map((record) => record.id)).toEqual([1, 2]);
  });
});
