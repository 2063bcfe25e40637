/**
 * Where each server's Debian binary lives, and the one line that says what to
 * install when it is missing: the tier fails on it, it never skips.
 */
import { accessSync, constants, readdirSync } from "node:fs";
import path from "node:path";

/** A server binary that is not installed; the message names the Debian package. */
export class MissingServerError extends Error {}

const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** PostgreSQL keeps its server binaries out of PATH, one directory per major; the newest wins. */
function postgresBinDirs(): string[] {
  try {
    return readdirSync("/usr/lib/postgresql")
      .filter((major) => /^\d+$/.test(major))
      .sort((a, b) => Number(b) - Number(a))
      .map((major) => `/usr/lib/postgresql/${major}/bin`);
  } catch {
    return [];
  }
}

/**
 * The absolute path of `name`, looked up in PATH, the system directories and
 * PostgreSQL's own; `debianPackage` is named in the error when it is nowhere.
 */
export function findBinary(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), ...SYSTEM_DIRS, ...postgresBinDirs()];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  throw new MissingServerError(
    `${name} is not installed: install it with \`apt-get install -y ${debianPackage}\` ` +
      `(scripts/servers/ci-tier.sh installs every server this tier needs), then run npm run test:servers again.`,
  );
}
