/**
 * Cheap checks made before anything heavy is loaded: places where the preload
 * must do nothing at all. Nothing is imported here.
 */
import type { Env } from "../config/types.js";

/**
 * Package managers themselves (when NODE_OPTIONS makes them load the
 * preload): `npm`, `npx`, `yarn`, `pnpm`, `pnpx`, `corepack`, as their bin
 * names or their JS entry files (npm-cli.js, npx-cli.js, yarn.js, yarn-4.x.cjs,
 * pnpm.cjs, corepack.cjs …). An app started by `npm start` is NOT one of them:
 * its argv[1] is the app, even though npm_execpath is set in its environment.
 */
const PACKAGE_MANAGER_ENTRY = /^(npm|npx|npm-cli|npx-cli|yarn|yarnpkg|pnpm|pnpx|corepack)(-[\d.]+[\w.-]*)?(\.c?js|\.mjs)?$/i;

export function isPackageManager(argv1: string | undefined, env: Env): boolean {
  if (!argv1) return false;
  if (env.npm_execpath && argv1 === env.npm_execpath) return true;
  // Split on both separators: a Windows path must match on any platform.
  const fileName = argv1.split(/[\\/]/).pop() ?? "";
  if (PACKAGE_MANAGER_ENTRY.test(fileName)) return true;
  // Yarn Berry's checked-in release (.yarn/releases/yarn-4.1.0.cjs) and corepack shims.
  return /[\\/]\.yarn[\\/]releases[\\/]yarn-[^\\/]+\.c?js$/.test(argv1) || /[\\/]corepack[\\/]dist[\\/]/.test(argv1);
}

export type InertReason = "worker-thread" | "already-started" | "package-manager";

export interface GuardInputs {
  isMainThread: boolean;
  alreadyStarted: boolean;
  argv1: string | undefined;
  env: Env;
}

/** Why the preload must stay inert here, or undefined to go on. */
export function inertReason(inputs: GuardInputs): InertReason | undefined {
  if (!inputs.isMainThread) return "worker-thread";
  if (inputs.alreadyStarted) return "already-started";
  if (isPackageManager(inputs.argv1, inputs.env)) return "package-manager";
  return undefined;
}
