// A server for one test at a URL no earlier server of this process had. The OS may hand a closed
// server's port to the next one, and what a server refused by name is remembered per base URL for
// the rest of the process (src/transport/refused-properties.ts, also inside the sender thread): a
// test must not inherit what an earlier test's server refused.
const used = new Set<string>();

export async function atUnusedUrl<T extends { readonly url: string; close(): Promise<void> }>(start: () => Promise<T>): Promise<T> {
  const held: T[] = [];
  try {
    for (;;) {
      const server = await start();
      if (!used.has(server.url)) {
        used.add(server.url);
        return server;
      }
      // Kept open until another port is had, so the OS cannot hand the same one back.
      held.push(server);
    }
  } finally {
    await Promise.all(held.map((server) => server.close()));
  }
}
