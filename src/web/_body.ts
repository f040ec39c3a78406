/**
 * Validation of request bodies and query strings: the one place the HTTP API
 * turns untrusted input into the arguments of the control handler.
 */
import { TendError } from "../errors.ts";
import { NamesRequest, StartRequest } from "./_schemas.ts";

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Most log lines one request may ask for. */
export const MAX_LOG_LINES = 10_000;
/** Log lines when a request names none. */
export const DEFAULT_LOG_LINES = 100;

/** The body of `POST /api/v1/start`. */
export function startBody(text: string): { names: string[]; wait: boolean } {
  return parseWith(StartRequest, text);
}

/** The body of `POST /api/v1/stop` and `/restart`. */
export function namesBody(text: string): { names: string[] } {
  return parseWith(NamesRequest, text);
}

/** A body that must be empty or an empty JSON object (`reload`). */
export function emptyBody(text: string): void {
  const data = json(text);
  if (Object.keys(data).length > 0) {
    throw badRequest("the body must be empty or {}");
  }
}

/** The `lines` query parameter of `logs`. */
export function linesParam(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_LOG_LINES;
  if (!/^\d{1,6}$/.test(value) || Number(value) > MAX_LOG_LINES) {
    throw badRequest(
      `"lines" must be a whole number from 0 to ${MAX_LOG_LINES}`,
    );
  }
  return Number(value);
}

/** The `follow` query parameter of `logs`. */
export function followParam(value: string | undefined): boolean {
  if (value === undefined || value === "false" || value === "0") return false;
  if (value === "" || value === "true" || value === "1") return true;
  throw badRequest('"follow" must be true or false');
}

function parseWith<T>(
  schema: {
    safeParse(
      data: unknown,
    ): { success: true; data: T } | {
      success: false;
      error: { issues: { path: PropertyKey[]; message: string }[] };
    };
  },
  text: string,
): T {
  const result = schema.safeParse(json(text));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `"${issue.path.join(".")}"` : "the body";
  throw badRequest(`${where}: ${issue?.message ?? "invalid"}`);
}

function json(text: string): Record<string, unknown> {
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    throw badRequest("the body is too large");
  }
  if (text.trim() === "") return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw badRequest("the body is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw badRequest("the body is not a JSON object");
  }
  return data as Record<string, unknown>;
}

function badRequest(reason: string): TendError {
  return new TendError("USAGE", `Cannot read the request: ${reason}`);
}
