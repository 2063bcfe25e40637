/**
 * Renders a `Problem` as the imitated version answers errors: nest
 * `{ code, message, hint?, requestId }` as JSON, go RFC 7807
 * `application/problem+json` `{ type, title, status, detail, instance, errors? }`.
 * Also the one-line text a refusal is recorded under in `rejections`.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { ApiDialect } from "./api-versions.js";
import type { Problem } from "./reply.js";

export interface RenderedProblem {
  contentType: string;
  body: Record<string, unknown>;
}

export function renderProblem(dialect: ApiDialect, status: number, problem: Problem, path: string): RenderedProblem {
  if (dialect.errorShape === "nest") {
    const body: Record<string, unknown> = { code: problem.code, message: problem.message };
    if (problem.hint !== undefined) body.hint = problem.hint;
    body.requestId = randomUUID();
    return { contentType: "application/json; charset=utf-8", body };
  }
  const body: Record<string, unknown> = {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail: problem.detail ?? problem.message,
    instance: path,
  };
  if (problem.errors !== undefined) body.errors = problem.errors;
  return { contentType: "application/problem+json", body };
}

/** What `rejections` records: the server's own words, as a client would read them. */
export function problemText(dialect: ApiDialect, problem: Problem): string {
  if (dialect.errorShape === "nest") return problem.message;
  const detail = problem.detail ?? problem.message;
  const first = problem.errors?.[0];
  return first ? `${detail}: ${first.location} ${first.message}` : detail;
}
