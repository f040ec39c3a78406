/**
 * `schedule`, `timezone` and `overlap`: a service run by the clock. The cron
 * syntax is croner's (five fields, or six with seconds first); a pattern is
 * checked by compiling it (_cron.ts), so what loads is what runs.
 */
import { lazyImport } from "../_lazy.ts";
import { z } from "npm:zod@4.6.7";
import { nonEmptyStringSchema } from "./_fields.ts";
import { addProblem } from "./_problem.ts";

/** What to do with a tick while the previous run still runs. */
export const OVERLAP_POLICIES = ["skip", "queue", "allow"] as const;

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

/** The schedule fields of a `[[processes]]` entry, as validated. */
export interface ScheduleFields {
  schedule?:
    | string
    | { cron: string; timezone?: string | undefined }
    | undefined;
  timezone?: string | undefined;
  overlap?: (typeof OVERLAP_POLICIES)[number] | undefined;
}

/** A service's schedule as the supervisor runs it. */
export interface Schedule {
  /** The cron pattern. */
  cron: string;
  /** The IANA time zone it is read in; `null`: the supervisor's local time. */
  timezone: string | null;
  overlap: (typeof OVERLAP_POLICIES)[number];
}

/** The schedule of a validated entry, or `null` when it has none. */
export function scheduleOf(entry: ScheduleFields): Schedule | null {
  const given = entry.schedule;
  if (given === undefined) return null;
  const table = typeof given === "string" ? { cron: given } : given;
  return {
    cron: table.cron.trim(),
    timezone: entry.timezone ?? table.timezone ?? null,
    overlap: entry.overlap ?? "skip",
  };
}

type Ctx = z.core.$RefinementCtx<unknown>;

/** `timezone` and `overlap` mean something only with a `schedule`. */
export function checkScheduleFields(entry: ScheduleFields, ctx: Ctx): void {
  if (entry.schedule !== undefined) {
    const inTable = typeof entry.schedule === "object" &&
      entry.schedule.timezone !== undefined;
    if (inTable && entry.timezone !== undefined) {
      addProblem(ctx, "must not be given twice (also in schedule)", {
        path: ["timezone"],
        hint: "Keep only one timezone",
      });
    }
    return;
  }
  for (const field of ["timezone", "overlap"] as const) {
    if (entry[field] === undefined) continue;
    addProblem(ctx, "needs a schedule", {
      path: [field],
      hint: 'Add schedule = "<cron pattern>", or remove it',
    });
  }
}
