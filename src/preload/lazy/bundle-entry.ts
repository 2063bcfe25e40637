/**
 * Entry of the preload bundle (dist/register-boot.cjs): what the register
 * entries call (everything src/preload/boot.ts exports), plus the shared
 * packages its lazily loaded pieces use.
 */
export * from "../boot.js";
export { sharedModule } from "./shared-modules.js";
