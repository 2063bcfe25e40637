/**
 * Where configuration problems go: one line on stderr each, prefixed with the
 * package name. Configuration problems are read at start-up, before any
 * diag logger exists, and a user must see them, so they bypass `diag`.
 */
export type Reporter = (line: string) => void;

export const reportToStderr: Reporter = (line) => {
  try {
    process.stderr.write(`axonpush-otel: ${line}\n`);
  } catch {
    // A closed stderr must not stop the application.
  }
};
