/**
 * AXONPUSH_CONTENT_CAPTURE, with the modes, default and key rule of
 * AxonPush's own SDKs (TypeScript `redaction.ts`, Python `_redaction.py` in
 * the axonpush/sdks repository), so one `.env` means the same in a service
 * on their SDK and in one on this preload:
 *
 * - `metadata_only` (the default): the value under a content key becomes
 *   `[REDACTED]`, whatever its type;
 * - `redacted`: a string under a content key (also one nested in it, in a
 *   log body) is cut to a preview of CONTENT_PREVIEW_LENGTH characters marked
 *   `…[REDACTED_PREVIEW]` (the Python SDK's ladder, which matches the
 *   server's preview length; the TypeScript SDK treats it as `full`);
 * - `full`: content is sent like any other value (still cut at
 *   AXONPUSH_MAX_CONTENT_LENGTH).
 *
 * A content key is the WHOLE key (any case): `prompt(s)`, `message(s)`,
 * `completion(s)`, `input`, `output`, `response`, `tool_arguments`,
 * `tool_result(s)`, `tool_output`, `retrieval_documents`,
 * `retrieval_content` (`-`, `_`, `.` or nothing between the words), alone
 * or after `gen_ai.`, `llm.` or `ai.` (optionally followed by `input.`,
 * `output.` or `content.`), and `gen_ai.tool.call.arguments` /
 * `.result(s)` / `.output` with their `llm.` / `ai.` forms. Whole keys, not
 * parts: `gen_ai.usage.input_tokens`, `gen_ai.response.model` and
 * `http.response.status_code` are metadata and stay. Of the semantic
 * conventions, the rule catches exactly the content attributes
 * (`gen_ai.prompt`, `gen_ai.completion`, `gen_ai.input.messages`,
 * `gen_ai.output.messages`, `gen_ai.tool.call.arguments`,
 * `gen_ai.tool.call.result`, `gen_ai.retrieval.documents`); we add the two
 * content attributes it misses, because the bundled openai instrumentation
 * sets the first on every Responses API call, whatever its own content
 * switch says: `gen_ai.system_instructions` and `gen_ai.retrieval.query.text`.
 */

import { flatJoin } from "./flat-string.js";
import { headOf, truncateString } from "./truncate.js";

export type ContentCaptureMode = "metadata_only" | "redacted" | "full";

export const CONTENT_CAPTURE_MODES: readonly ContentCaptureMode[] = ["metadata_only", "redacted", "full"];
export const DEFAULT_CONTENT_CAPTURE: ContentCaptureMode = "metadata_only";

/** How much of a content value `redacted` keeps (the Python SDK's CONTENT_PREVIEW_LENGTH). */
export const CONTENT_PREVIEW_LENGTH = 256;
export const PREVIEW_MARKER = "[REDACTED_PREVIEW]";

// The SDKs' rule, written out: an optional namespace, then one content word, matching the whole key.
const NAMESPACE = "(?:gen_ai|llm|ai)";
const BETWEEN = "[-_.]?";
const CONTENT_WORDS = [
  "prompts?",
  "messages?",
  "completions?",
  "input",
  "output",
  "response",
  `tool${BETWEEN}(?:arguments?|results?|output)`,
  `retrieval${BETWEEN}(?:documents?|content)`,
].join("|");
const NAMESPACED_WORD = `(?:${NAMESPACE}\\.(?:(?:input|output|content)\\.)?)?(?:${CONTENT_WORDS})`;
const TOOL_CALL = `${NAMESPACE}\\.tool(?:\\.call)?\\.(?:arguments?|results?|output)`;
const SDK_CONTENT_KEY = new RegExp(`^(?:${NAMESPACED_WORD}|${TOOL_CALL})$`, "i");
/** Content attributes of the semantic conventions that the SDKs' rule misses (see above). */
const MORE_CONTENT_KEYS = new Set(["gen_ai.system_instructions", "gen_ai.retrieval.query.text"]);

/** Whether values under `key` are content (see above). */
export function isContentKey(key: string): boolean {
  return SDK_CONTENT_KEY.test(key) || MORE_CONTENT_KEYS.has(key.toLowerCase());
}

/** The mode a caller asked for, or the default for anything else (a JavaScript caller has no type check). */
export function contentCaptureMode(value: unknown): ContentCaptureMode {
  return CONTENT_CAPTURE_MODES.find((mode) => mode === value) ?? DEFAULT_CONTENT_CAPTURE;
}

/**
 * A content string as `redacted` sends it: its first CONTENT_PREVIEW_LENGTH
 * characters marked `…[REDACTED_PREVIEW]`; when AXONPUSH_MAX_CONTENT_LENGTH
 * is the shorter limit, cut there with the usual truncation mark instead
 * (the mark names whichever limit did the cutting, as the Python SDK's does).
 */
export function previewContent(text: string, maxContentLength: number): string {
  if (maxContentLength <= CONTENT_PREVIEW_LENGTH) return truncateString(text, maxContentLength);
  return text.length <= CONTENT_PREVIEW_LENGTH ? text : flatJoin(headOf(text, CONTENT_PREVIEW_LENGTH), "…", PREVIEW_MARKER);
}
