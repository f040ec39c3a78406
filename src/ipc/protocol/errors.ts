/**
 * The control API's failures: the body of every non-2xx response, and the
 * handshake line of a background supervisor, which may carry one.
 */
import * as z from "npm:zod@4.6.7/mini";
import { about, OK } from "./_schema.ts";

/** `ok` of a failure. */
const NOT_OK = false;

/** A failure: its code, its sentence, and what to do about it. */
export const ErrorDetail = z.object({
  code: about(z.string(), "A tend error code, such as UNKNOWN_SERVICE"),
  message: about(z.string(), "One sentence saying what went wrong"),
  hint: about(z.optional(z.string()), "What to do about it"),
});
/** A failure: its code, its sentence, and what to do about it. */
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** Body of every non-2xx response. */
export const ErrorBody = about(
  z.object({ error: ErrorDetail }),
  "Body of every non-2xx response",
);
/** Body of every non-2xx response. */
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * The one line a background supervisor writes to its stdout for the CLI
 * that launched it: serving (or another one won the lock race), or why it
 * could not start.
 */
export const Handshake = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(OK),
    pid: about(z.int(), "The supervisor's PID"),
    lost: about(
      z.boolean(),
      "Another supervisor holds the lock and serves; this one exits",
    ),
  }),
  z.object({ ok: z.literal(NOT_OK), error: ErrorDetail }),
]);
/** The one line a background supervisor writes to the CLI that launched it. */
export type Handshake = z.infer<typeof Handshake>;
