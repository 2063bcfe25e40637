// The address-space check that keeps the sender thread from being started where V8 would abort the process
// reserving its isolate (src/sender/address-space.ts). The real limit is tested end to end under `ulimit -v`
// (e2e-sender-thread.test.ts); here, the reading of /proc and the threshold.
import { describe, expect, it } from "vitest";
import { addressSpaceRefusal, readAddressSpace, THREAD_ADDRESS_SPACE_BYTES } from "../src/sender/address-space.js";
import { SenderThread } from "../src/sender/sender-thread.js";

const LIMITS_UNLIMITED = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max address space         unlimited            unlimited            bytes
Max open files            1048576              1048576              files
`;
const limitsOf = (soft: string, hard = "unlimited") => LIMITS_UNLIMITED.replace(/^Max address space .*$/m, `Max address space         ${soft.padEnd(20)} ${hard.padEnd(20)} bytes`);
const statusOf = (vmSizeKb: number) => `Name:\tnode\nVmPeak:\t 2000000 kB\nVmSize:\t ${vmSizeKb} kB\nVmRSS:\t   50000 kB\n`;
const files = (limits: string, status: string) => (path: string) => {
  if (path === "/proc/self/limits") return limits;
  if (path === "/proc/self/status") return status;
  throw new Error(`unexpected read of ${path}`);
};

describe("reading the address-space limit from /proc (Linux)", () => {
  it("no limit: nothing known, nothing refused", () => {
    expect(readAddressSpace(files(LIMITS_UNLIMITED, statusOf(700_000)))).toBeUndefined();
  });

  it("a soft limit: the limit in bytes, and VmSize in bytes", () => {
    expect(readAddressSpace(files(limitsOf("2048000000"), statusOf(700_000)))).toEqual({ limitBytes: 2_048_000_000, usedBytes: 700_000 * 1024 });
  });

  it("only the soft limit counts (it is the one enforced)", () => {
    expect(readAddressSpace(files(limitsOf("unlimited", "4096000000"), statusOf(700_000)))).toBeUndefined();
  });

  it.each([
    ["limits without the address-space line", "Limit Soft Hard Units\n", statusOf(700_000)],
    ["a status without VmSize", limitsOf("2048000000"), "Name:\tnode\n"],
    ["a limit that is not a number", limitsOf("lots"), statusOf(700_000)],
  ])("%s: nothing known", (_name, limits, status) => {
    expect(readAddressSpace(files(limits, status))).toBeUndefined();
  });

  it("an unreadable /proc: nothing known, no exception", () => {
    expect(
      readAddressSpace(() => {
        throw Object.assign(new Error("EACCES"), { code: "EACCES" });
      }),
    ).toBeUndefined();
  });

  it("this process, unlimited here: nothing known (the suite runs without ulimit -v)", () => {
    expect(readAddressSpace()).toBeUndefined();
  });
});

describe("whether a thread may start", () => {
  it("no limit known: yes", () => {
    expect(addressSpaceRefusal(undefined)).toBeUndefined();
  });

  it("room for a thread: yes, to the byte", () => {
    expect(addressSpaceRefusal({ limitBytes: 4 * 1024 ** 3, usedBytes: 1024 ** 3 })).toBeUndefined();
    expect(addressSpaceRefusal({ limitBytes: 1024 ** 3 + THREAD_ADDRESS_SPACE_BYTES, usedBytes: 1024 ** 3 })).toBeUndefined();
  });

  it("less room than a thread takes: no, saying what is left and what a thread takes", () => {
    expect(addressSpaceRefusal({ limitBytes: 2 * 1024 ** 3, usedBytes: 1024 ** 3 + 300 * 1024 ** 2 })).toBe(
      "the virtual memory limit (ulimit -v) leaves 724 MiB of address space, and a thread takes about 1,536 MiB",
    );
  });

  it("a process already past its limit: no, with nothing left", () => {
    expect(addressSpaceRefusal({ limitBytes: 1024 ** 3, usedBytes: 2 * 1024 ** 3 })).toBe(
      "the virtual memory limit (ulimit -v) leaves 0 MiB of address space, and a thread takes about 1,536 MiB",
    );
  });

  it("a refused thread is never started: the state says unavailable, and sending stays on the app's thread", () => {
    const thread = new SenderThread("/nonexistent/sender.cjs", () => "no room, in this test");
    expect(thread.ensureStarted()).toBe(false);
    expect(thread.state).toBe("unavailable");
    // Asked again, it does not try again.
    expect(thread.ensureStarted()).toBe(false);
  });
});
