/**
 * Turning an untrusted request body into the arguments of a control-API
 * call: JSON parsing and the check against the endpoint's schema. The unix
 * socket server and the HTTP API both use it, so a bad body gets the same
 * USAGE error through either door.
 */
import type * as z from "npm:zod@4.6.7/mini";
import { TendError } from "../errors.ts";

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The JSON value of a body (`{}` when empty); a USAGE error when it is not JSON. */
export function parseJsonBody(text: string): unknown {
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    throw badRequest("the body is too large");
  }
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("the body is not JSON");
  }
}

/** `body` checked against `schema`; a mismatch is a USAGE error naming the field. */
export function parseRequest<T extends z.ZodMiniType>(
  schema: T,
  body: unknown,
): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined || issue.path.length === 0) {
    throw badRequest("the body is not a JSON object");
  }
  throw badRequest(`"${issue.path.join(".")}": ${issue.message}`);
}

/** A USAGE error about the request. */
export function badRequest(reason: string): TendError {
  return new TendError("USAGE", `Cannot read the request: ${reason}`);
}
