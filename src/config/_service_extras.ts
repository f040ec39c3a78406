import { z } from "npm:zod@4.6.7";
import { nonEmptyStringSchema } from "./_fields.ts";
import { addProblem } from "./_problem.ts";
import { durationMsSchema, positiveDurationMsSchema } from "./duration.ts";
import { sizeBytesSchema } from "./size.ts";
import { SERVICE_DEFAULTS } from "./_rules.ts";

export type { HookEvent } from "./_expand.ts";

const D = SERVICE_DEFAULTS;

/** A glob relative to the service's working directory, never leaving it. */
const globSchema = nonEmptyStringSchema.superRefine((glob, ctx) => {
  if (glob.startsWith("/") || glob.split("/").includes("..")) {
    addProblem(
      ctx,
      "must be a pattern relative to the service's working directory",
      { showInput: true, hint: 'Write e.g. "src/**/*.ts"' },
    );
  }
});

const globListSchema = z.array(globSchema, {
  error: 'must be an array of patterns, e.g. ["src/**/*.ts"]',
});

/** The fields of `[[processes]]` for watch, hooks and the memory limit. */
export const serviceExtrasShape = {
  watch: globListSchema.optional(),
  "watch_ignore": globListSchema.default(D.watch_ignore),
  "watch_debounce": durationMsSchema.default(D.watch_debounce),
  "on_ready": nonEmptyStringSchema.optional(),
  "on_exit": nonEmptyStringSchema.optional(),
  "on_failed": nonEmptyStringSchema.optional(),
  "on_restart": nonEmptyStringSchema.optional(),
  "hook_timeout": positiveDurationMsSchema.default(D.hook_timeout),
  "max_memory": sizeBytesSchema.optional(),
};
