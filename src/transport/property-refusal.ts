/**
 * Which body properties a validation answer refuses for being undeclared, in
 * the shapes the API versions use:
 * - the first backend (NestJS `forbidNonWhitelisted`): 400
 *   `{ message: "property dedupKey should not exist" }`, the message possibly a
 *   list (class-validator reports every failed rule);
 * - the current one (Huma, `additionalProperties: false`): 422
 *   `application/problem+json` `{ errors: [{ location: "body.dedupKey", message: "unexpected property" }] }`.
 *
 * Empty unless every complaint of the answer is such a refusal of a top-level
 * property: when something else is wrong too, sending again without the named
 * properties would not help, and the answer is reported as it is.
 *
 * Self-contained (no imports, no helpers, no nested functions): the
 * exit-time worker thread embeds its source text.
 */
export function refusedPropertyNames(status: number, bodyText: string): string[] {
  if (status !== 400 && status !== 422) return [];
  let parsed: any;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== "object") return [];
  const names: string[] = [];
  let somethingElse = false;
  const messages: unknown[] = Array.isArray(parsed.message) ? parsed.message : [parsed.message];
  for (const message of messages) {
    if (typeof message !== "string") continue;
    const match = /^property ([A-Za-z_$][\w$]*) should not exist$/.exec(message.trim());
    if (match) names.push(match[1]!);
    else somethingElse = true;
  }
  if (Array.isArray(parsed.errors)) {
    for (const error of parsed.errors) {
      const location = error && typeof error.location === "string" ? error.location : "";
      const text = error && typeof error.message === "string" ? error.message : "";
      const match = /^body\.([A-Za-z_$][\w$]*)$/.exec(location);
      if (match && /unexpected property|should not exist|additional propert/i.test(text)) names.push(match[1]!);
      else somethingElse = true;
    }
  }
  return somethingElse ? [] : names;
}
