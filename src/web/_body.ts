/**
 * Validation of request bodies and query strings: the one place the HTTP API
 * turns untrusted input into the arguments of the control handler.
 */
import { TendError } from "../errors.ts";
import {
  ENDPOINTS,
  type RestartRequest,
  type StartRequest,
  type StopRequest,
} from "../ipc/protocol.ts";
import { parseJsonBody, parseRequest } from "../ipc/validate.ts";

export { MAX_BODY_BYTES } from "../ipc/validate.ts";
/** Most log lines one request may ask for. */
export const MAX_LOG_LINES = 10_000;
/** Log lines when a request names none. */
export const DEFAULT_LOG_LINES = 100;

/** The body of `POST /api/v1/start`, checked by the control API's schema. */
export function startBody(text: string): StartRequest {
  return parseRequest(ENDPOINTS.start.request, parseJsonBody(text));
}

/** The body of `POST /api/v1/stop`. */
export function stopBody(text: string): StopRequest {
  return parseRequest(ENDPOINTS.stop.request, parseJsonBody(text));
}

/** The body of `POST /api/v1/restart`. */
export function restartBody(text: string): RestartRequest {
  return parseRequest(ENDPOINTS.restart.request, parseJsonBody(text));
}

/** A body that must be empty or an empty JSON object (`reload`). */
export function emptyBody(text: string): void {
  const data = parseJsonBody(text);
  if (
    typeof data !== "object" || data === null || Array.isArray(data) ||
    Object.keys(data).length > 0
  ) {
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

function badRequest(reason: string): TendError {
  return new TendError("USAGE", `Cannot read the request: ${reason}`);
}
