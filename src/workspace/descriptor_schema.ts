/**
 * The zod schema of supervisor.json, apart from descriptor.ts so that a
 * supervisor loads zod only when it reads one (see readDescriptor).
 */
import * as z from "npm:zod@4.6.7/mini";
import { type Identity, isValidIdentity } from "../proc/identity.ts";

/** Longest version or date string kept from the file. */
const SHORT_STRING_CHARS = 64;

/** `schema` with its description (zod/mini: no `.describe()` method). */
function described<T extends z.ZodMiniType>(schema: T, text: string): T {
  return schema.check(z.describe(text)) as T;
}

/** A nullable field that reads as `null` when damaged. */
function orNull<T extends z.ZodMiniType>(schema: T, text: string) {
  return described(z.catch(z.nullable(schema), null), text);
}

/** A string field kept when short, `null` otherwise. */
function shortString(text: string) {
  return orNull(z.string().check(z.maxLength(SHORT_STRING_CHARS)), text);
}

/**
 * The content of supervisor.json. Only `identity` must be valid for the file
 * to count; a damaged field of another kind reads as unknown. zod/mini: the
 * supervisor reads this file and loads no classic zod.
 */
export const Descriptor = z.object({
  pid: orNull(z.number().check(z.int()), "The supervisor's PID"),
  identity: described(
    z.custom<Identity>(isValidIdentity, {
      error: "expected a process identity",
    }),
    "The supervisor's process identity",
  ),
  mode: described(
    z.catch(z.enum(["background", "foreground"]), "background"),
    "Detached (tend start) or in a terminal (tend up)",
  ),
  startedAt: shortString("When it started (ISO 8601)"),
  version: shortString("The tend version it runs"),
  workspace: orNull(z.string(), "The workspace root"),
  config: orNull(z.string(), "Its tend.toml"),
  socket: orNull(z.string(), "Its control socket"),
  http: orNull(z.string(), "Its HTTP address, when it serves one"),
});
/** What supervisor.json says of the supervisor that wrote it. */
export type Descriptor = z.infer<typeof Descriptor>;
