// A server the tier needs and cannot find fails with the one line that says
// what to install; it is never skipped (helpers/binaries.ts).
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findBinary, MissingServerError } from "./helpers/binaries.js";

describe("server binaries", () => {
  it("a missing one fails with the Debian package to install", () => {
    const find = () => findBinary("axonpush-no-such-server", "axonpush-no-such-package");
    expect(find).toThrow(MissingServerError);
    expect(find).toThrow(
      "axonpush-no-such-server is not installed: install it with `apt-get install -y axonpush-no-such-package` " +
        "(scripts/servers/ci-tier.sh installs every server this tier needs), then run npm run test:servers again.",
    );
  });

  it.each([
    ["redis-server", "redis-server"],
    ["mariadbd", "mariadb-server"],
    ["initdb", "postgresql"],
    ["postgres", "postgresql"],
    ["memcached", "memcached"],
    ["rabbitmq-server", "rabbitmq-server"],
    ["epmd", "rabbitmq-server"],
  ])("finds %s (from %s) where Debian puts it", (name, debianPackage) => {
    const found = findBinary(name, debianPackage);
    expect(found.endsWith(`/${name}`) && existsSync(found)).toBe(true);
  });
});
