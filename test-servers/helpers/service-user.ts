/**
 * CI runs as root; PostgreSQL refuses to, and the others should not need to.
 * As root, each server runs as the system user its Debian package created
 * (postgres, mysql, redis, memcache, rabbitmq); as anyone else, as that user.
 */
import { readFileSync } from "node:fs";
import type { SystemUser } from "./server-process.js";

export function serviceUser(name: string, debianPackage: string): SystemUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(`the system user ${name} does not exist: reinstall ${debianPackage} (apt-get install --reinstall -y ${debianPackage}), which creates it`);
  }
  return { name, uid: Number(uid), gid: Number(gid) };
}
