/**
 * What the Node running the tests can do, written out from Node's release
 * notes rather than asked of the code under test, so a test of "the right
 * path on this line" can fail when the preload picks the wrong one.
 */
const [major, minor, patch] = process.versions.node.split(".").map((part) => Number.parseInt(part, 10)) as [number, number, number];

const atLeast = (m: number, p: number) => minor > m || (minor === m && patch >= p);

/**
 * `module.registerHooks` whose synchronous load hook accepts the nullish
 * CommonJS source import-in-the-middle returns (nodejs/node#59929): 22.22.3,
 * 24.11.1, 25.1.0, 26.0.0 and later. Before that the hooks run on a loader thread.
 */
export const SYNC_MODULE_HOOKS = major >= 26 || (major === 25 && atLeast(1, 0)) || (major === 24 && atLeast(11, 1)) || (major === 22 && atLeast(22, 3));

/** Runs `.ts` files itself (type stripping): `process.features.typescript` is "strip" or "transform". */
export const NATIVE_TYPESCRIPT = Boolean((process.features as { typescript?: unknown }).typescript);

export const NODE_LINE = `Node ${process.versions.node}`;
