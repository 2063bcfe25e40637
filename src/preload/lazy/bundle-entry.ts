/**
 * Entry of the preload bundle (dist/register-boot.cjs): what the register
 * entries call, plus the shared packages its lazily loaded pieces use.
 */
export { bootFromImportFlag, bootFromRequireFlag } from "../boot.js";
export { sharedModule } from "./shared-modules.js";
