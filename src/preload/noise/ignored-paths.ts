/**
 * AXONPUSH_IGNORE_PATHS as a test of a request's path: each entry is an
 * exact path (`/healthz`) or, ending in `*`, a prefix (`/internal/*`,
 * `/health*`). The query string is never part of the path.
 */
export type PathTest = (requestTarget: string) => boolean;

/** The path of a request target (`/a/b?x=1` -> `/a/b`). */
export function pathOf(requestTarget: string): string {
  const end = requestTarget.search(/[?#]/);
  return end === -1 ? requestTarget : requestTarget.slice(0, end);
}

export function ignoredPathTest(patterns: readonly string[]): PathTest {
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith("*")));
  const prefixes = patterns.filter((pattern) => pattern.endsWith("*")).map((pattern) => pattern.slice(0, -1));
  return (requestTarget) => {
    const path = pathOf(requestTarget);
    return exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
  };
}
