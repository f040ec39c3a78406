import { z } from "npm:zod@4.6.7";
import { nonEmptyStringSchema, portSchema } from "./_fields.ts";
import { addProblem } from "./_problem.ts";
import { isHttpUrl, isTcpTarget, READY_KINDS } from "./_rules.ts";
import { messageOf } from "../errors.ts";

export { READY_KINDS };

const TCP_EXPECTED =
  'must be a port, "{port}" or "host:port", e.g. "127.0.0.1:{port}"';

const tcpSchema = z.union([portSchema, z.string()], { error: TCP_EXPECTED })
  .transform((value, ctx) => {
    const target = String(value).trim();
    if (isTcpTarget(target)) return target;
    addProblem(ctx, TCP_EXPECTED, { showInput: true });
    return z.NEVER;
  });

const HTTP_EXPECTED = "must be an http:// or https:// URL";

const httpSchema = z.string({ error: HTTP_EXPECTED }).superRefine(
  (value, ctx) => {
    if (!isHttpUrl(value)) addProblem(ctx, HTTP_EXPECTED, { showInput: true });
  },
);

const logSchema = z.string({ error: "must be a regular expression" })
  .superRefine((value, ctx) => {
    try {
      new RegExp(value);
    } catch (error) {
      const reason = messageOf(error);
      addProblem(ctx, `must be a valid regular expression (${reason})`);
    }
  });

// One constructor per kind keeps the inferred union free of `?: never` keys.
const tcpCheck = (target: string) => ({ kind: "tcp", target }) as const;
const httpCheck = (url: string) => ({ kind: "http", url }) as const;
const logCheck = (pattern: string) => ({ kind: "log", pattern }) as const;
const commandCheck = (command: string) =>
  ({ kind: "command", command }) as const;

const KINDS = READY_KINDS.join(", ");
const EXACTLY_ONE = `must have exactly one of ${KINDS}`;

/**
 * `ready = { tcp = … }` (or `http`, `log`, `command`), output as a
 * discriminated union on `kind`. A log pattern is compiled with
 * `new RegExp(pattern)`, no flags.
 */
export const readySchema = z.strictObject({
  tcp: tcpSchema.optional(),
  http: httpSchema.optional(),
  log: logSchema.optional(),
  command: nonEmptyStringSchema.optional(),
}, { error: `must be a table with exactly one of ${KINDS}` })
  .transform((ready, ctx) => {
    const given = READY_KINDS.filter((kind) => ready[kind] !== undefined);
    if (given.length !== 1) {
      const got = given.length === 0 ? "none" : given.join(" and ");
      addProblem(ctx, `${EXACTLY_ONE}, got ${got}`);
      return z.NEVER;
    }
    if (ready.tcp !== undefined) return tcpCheck(ready.tcp);
    if (ready.http !== undefined) return httpCheck(ready.http);
    if (ready.log !== undefined) return logCheck(ready.log);
    return commandCheck(ready.command ?? "");
  });
