// Node 26's JSON.stringify serialises an object on its fast path only while every string in it is flat; one cons
// or sliced string (what `a + b`, a long template literal or a long `slice` make) sends the whole event down the
// generic path, about three times slower (src/exporter/flat-string.ts). This asks V8 itself whether any string of
// a span event or a log event, as the sender builds them, is one of those, on whichever Node runs the suite.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("./flat-strings.fixture.ts", import.meta.url));

describe("the strings of an event body", () => {
  it("are all flat, so JSON.stringify keeps its fast path", () => {
    const child = spawnSync(process.execPath, ["--allow-natives-syntax", "--import", "tsx", fixture], { encoding: "utf8", timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const line = /^FLAT (.*)$/m.exec(child.stdout)?.[1];
    expect(line, child.stdout + child.stderr).toBeDefined();
    const { referencesHold, strings, notFlat } = JSON.parse(line!) as { referencesHold: boolean; strings: number; notFlat: unknown[] };
    expect(referencesHold).toBe(true);
    expect(strings).toBeGreaterThan(20);
    expect(notFlat).toEqual([]);
  });
});
