/**
 * The resource every span carries, and the detectors that add to it.
 * The `env` detector's job (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME) is
 * done here from our merged environment, so `.env` counts and our own
 * values (AXONPUSH_SERVICE_NAME, AXONPUSH_ENVIRONMENT) win over it.
 */
import { defaultResource, hostDetector, osDetector, processDetector, resourceFromAttributes, serviceInstanceIdDetector } from "@opentelemetry/resources";
import type { Resource, ResourceDetector } from "@opentelemetry/resources";
import type { AxonPushOtelConfig } from "../config/types.js";
import { requireLazily } from "./lazy-require.js";
import { LAMBDA_RESOURCE_DETECTOR } from "../config/otel-variables.js";

type DetectorModule = Record<string, ResourceDetector>;
const fromPackage = (name: string, ...exports: string[]) => () => {
  const module = requireLazily(name) as DetectorModule;
  return exports.flatMap((key) => (module[key] ? [module[key]] : []));
};

// A detector package is loaded only when its detector is named (the cloud
// ones pull in HTTP clients for their metadata services). Loading and
// constructing do no I/O; only `detect()` does.
const DETECTORS: Record<string, () => ResourceDetector[]> = {
  host: () => [hostDetector],
  os: () => [osDetector],
  process: () => [processDetector],
  serviceinstance: () => [serviceInstanceIdDetector],
  container: fromPackage("@opentelemetry/resource-detector-container", "containerDetector"),
  alibaba: fromPackage("@opentelemetry/resource-detector-alibaba-cloud", "alibabaCloudEcsDetector"),
  aws: fromPackage("@opentelemetry/resource-detector-aws", "awsEc2Detector", "awsEcsDetector", "awsEksDetector", "awsBeanstalkDetector", "awsLambdaDetector"),
  [LAMBDA_RESOURCE_DETECTOR]: fromPackage("@opentelemetry/resource-detector-aws/build/src/detectors/AwsLambdaDetector.js", "awsLambdaDetector"),
  azure: fromPackage("@opentelemetry/resource-detector-azure", "azureAppServiceDetector", "azureFunctionsDetector", "azureVmDetector"),
  gcp: fromPackage("@opentelemetry/resource-detector-gcp", "gcpDetector"),
};

/** The detectors NodeSDK runs; `env` is not among them (see buildResource). */
export function buildDetectors(names: readonly string[]): ResourceDetector[] {
  return names.flatMap((name) => DETECTORS[name]?.() ?? []);
}

export function resourceAttributesOf(config: AxonPushOtelConfig): Record<string, string> {
  const attributes: Record<string, string> = config.resourceDetectors.includes("env") ? { ...config.resourceAttributes } : {};
  attributes["service.name"] = config.serviceName;
  if (config.serviceVersion) attributes["service.version"] = config.serviceVersion;
  if (config.environment) {
    // Both spellings: the older one AxonPush's table names, and the current semantic convention.
    attributes["deployment.environment"] = config.environment;
    attributes["deployment.environment.name"] = config.environment;
  }
  return attributes;
}

export function buildResource(config: AxonPushOtelConfig): Resource {
  return defaultResource().merge(resourceFromAttributes(resourceAttributesOf(config)));
}
