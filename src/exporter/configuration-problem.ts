/**
 * Refusals that mean the configuration is wrong, not the span: the user must
 * change a variable, and every further span will be refused the same way. Each
 * becomes one line naming the variable (with the server's own words), said
 * once; the reporter keeps count.
 *
 * Which variable follows the status and, for validation answers, what the
 * server's words are about: the first backend refuses a request without
 * `x-tenant-id` (400) and an event without `channel_id` (400), the current one
 * answers 404 for an unknown channel.
 */
export type ConfigurationProblemKind = "api-key" | "access" | "not-found" | "tenant" | "channel";

export interface ConfigurationProblem {
  readonly kind: ConfigurationProblemKind;
  readonly line: string;
}

/** Which optional variables are set: a missing one is named as "set it", a set one as "check it". */
export interface ConfiguredVariables {
  readonly tenantId: boolean;
  readonly channelId: boolean;
}

const ONCE = "Spans are not being delivered; this is reported once.";

export function configurationProblem(
  status: number | undefined,
  serverWords: string,
  configured: ConfiguredVariables,
): ConfigurationProblem | undefined {
  if (status === 401) {
    return { kind: "api-key", line: `AxonPush rejected the API key (${serverWords}). Check AXONPUSH_API_KEY. ${ONCE}` };
  }
  if (status === 403) {
    return {
      kind: "access",
      line:
        `AxonPush refused access (${serverWords}). Check AXONPUSH_TENANT_ID${configured.tenantId ? "" : " (not set)"} and that the API key ` +
        `has the scope to publish events on this channel (AXONPUSH_CHANNEL_ID${configured.channelId ? "" : ", not set: the key's default channel"}). ${ONCE}`,
    };
  }
  if (status === 404) {
    return {
      kind: "not-found",
      line:
        `AxonPush answered 404 (${serverWords}): no such channel or address. Check AXONPUSH_CHANNEL_ID` +
        `${configured.channelId ? "" : " (not set: the key's default channel was used)"} and AXONPUSH_BASE_URL. ${ONCE}`,
    };
  }
  if (status !== 400 && status !== 422) return undefined;
  if (/tenant/i.test(serverWords)) {
    return {
      kind: "tenant",
      line: configured.tenantId
        ? `AxonPush refused the tenant (${serverWords}). Check AXONPUSH_TENANT_ID. ${ONCE}`
        : `AxonPush refused the spans for want of a tenant (${serverWords}). Set AXONPUSH_TENANT_ID: this server needs it. ${ONCE}`,
    };
  }
  if (/channel/i.test(serverWords)) {
    return {
      kind: "channel",
      line: configured.channelId
        ? `AxonPush refused the channel (${serverWords}). Check AXONPUSH_CHANNEL_ID. ${ONCE}`
        : `AxonPush refused the spans for want of a channel (${serverWords}). Set AXONPUSH_CHANNEL_ID: this server needs it. ${ONCE}`,
    };
  }
  return undefined;
}
