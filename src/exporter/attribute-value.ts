/**
 * The contract wants every attribute value as a string. Scalars use
 * `String()` (`42`, `true`, `3.5`); arrays, which OpenTelemetry allows as
 * homogeneous lists, become JSON (`["a","b"]`, `[1,2]`) so a comma inside an
 * element stays unambiguous. Objects are not valid attribute values, but a
 * hand-built span can carry one: they become JSON too, never an exception.
 */
export function stringifyAttributeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      return value === null ? undefined : safeJson(value as object);
  }
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? String(inner) : inner)) ?? "";
  } catch {
    // Circular structures: say so instead of failing the whole span.
    return "[unserializable]";
  }
}
