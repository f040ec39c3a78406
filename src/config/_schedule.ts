/**
 * `schedule`, `timezone` and `overlap`: a service run by the clock. The cron
 * syntax is croner's (five fields, or six with seconds first); a pattern is
 * checked by compiling it (_cron.ts), so what loads is what runs.
 */
import { lazyImport } from "../_lazy.ts";
import { z } from "npm:zod@4.6.7";
import { nonEmptyStringSchema } from "./_fields.ts";
import { addProblem } from "./_problem.ts";
import { OVERLAP_POLICIES } from "./_rules.ts";

export type { Schedule } from "./_expand.ts";

const CRON_EXPECTED =
  'must be a cron pattern: five fields "m h dom mon dow", or six with seconds first, e.g. "*/5 * * * *"';

/** A cron pattern, checked by compiling it. */
const cronSchema = z.string({ error: CRON_EXPECTED }).superRefine(
  (value, ctx) => {
    const fields = value.trim().split(/\s+/).length;
    const reason = fields === 5 || fields === 6 ? cronProblem(value) : "";
    if (reason !== null) {
      addProblem(ctx, reason ? `${CRON_EXPECTED} (${reason})` : CRON_EXPECTED, {
        showInput: true,
      });
    }
  },
);

/** The check of _cron.ts, once {@linkcode loadCronCheck} has loaded it. */
let compiled: ((pattern: string) => string | null) | null = null;

/**
 * Loads the cron check (croner). A config with a `schedule` needs it
 * before it is parsed: `parseConfig` (load.ts) loads it when the TOML has
 * a `schedule` key anywhere.
 */
export async function loadCronCheck(): Promise<void> {
  compiled ??= (await lazyImport<typeof import("./_cron.ts")>(
    new URL("./_cron.ts", import.meta.url),
  )).cronProblem;
}

function cronProblem(pattern: string): string | null {
  if (compiled === null) {
    throw new Error(
      `Cannot check the cron pattern "${pattern}": the cron check was not loaded first`,
    );
  }
  return compiled(pattern);
}

/** An IANA time zone name such as "Europe/Paris". */
export const timezoneSchema = nonEmptyStringSchema.superRefine(
  (value, ctx) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
    } catch {
      addProblem(
        ctx,
        'must be an IANA time zone name, e.g. "Europe/Paris" or "UTC"',
        { showInput: true },
      );
    }
  },
);

/**
 * `schedule = "*\/5 * * * *"`, or mi7soft-daemon's table spelling
 * `schedule = { cron = "…", timezone = "…" }`.
 */
export const scheduleSchema = z.union([
  cronSchema,
  z.strictObject({ cron: cronSchema, timezone: timezoneSchema.optional() }),
], { error: 'must be a cron pattern such as "*/5 * * * *"' });

/** `overlap`: skip (default), queue or allow. */
export const overlapSchema = z.enum(OVERLAP_POLICIES, {
  error: 'must be "skip", "queue" or "allow"',
});
