import { z } from "npm:zod@4.6.7";
import { nonEmptyStringSchema } from "./_fields.ts";
import { addProblem } from "./_problem.ts";
import { durationMsSchema, positiveDurationMsSchema } from "./duration.ts";
import { sizeBytesSchema } from "./size.ts";

/** How long a burst of file changes must be quiet before the restart. */
const WATCH_DEBOUNCE_MS = 500;
/** How long a hook may run before it is killed. */
const HOOK_TIMEOUT_MS = 30_000;

/** The events a service's hooks run on, by config field. */
export const HOOK_FIELDS = {
  "on_ready": "ready",
  "on_exit": "exit",
  "on_failed": "failed",
  "on_restart": "restart",
} as const;

/** An event a hook runs on. */
export type HookEvent = (typeof HOOK_FIELDS)[keyof typeof HOOK_FIELDS];

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
  "watch_ignore": globListSchema.default([]),
  "watch_debounce": durationMsSchema.default(WATCH_DEBOUNCE_MS),
  "on_ready": nonEmptyStringSchema.optional(),
  "on_exit": nonEmptyStringSchema.optional(),
  "on_failed": nonEmptyStringSchema.optional(),
  "on_restart": nonEmptyStringSchema.optional(),
  "hook_timeout": positiveDurationMsSchema.default(HOOK_TIMEOUT_MS),
  "max_memory": sizeBytesSchema.optional(),
};

type Extras = z.output<z.ZodObject<typeof serviceExtrasShape>>;

/** The watch, hook and memory settings of a service, normalised. */
export interface ServiceExtras {
  /** Globs of files whose change restarts it; empty when not watched. */
  watch: string[];
  /** Globs of files never watched (besides the defaults). */
  watchIgnore: string[];
  /** Quiet time after the last change before the restart. */
  watchDebounceMs: number;
  /** The shell command of each hook. */
  hooks: Partial<Record<HookEvent, string>>;
  /** How long a hook may run. */
  hookTimeoutMs: number;
  /** Restart above this RSS (process group, bytes); null: no limit. */
  maxMemoryBytes: number | null;
}

/**
 * The normalised watch, hook and memory settings of one service: `watch`
 * empty when it is not watched, hooks by event, `maxMemoryBytes` null when
 * unlimited.
 */
export function serviceExtras(entry: Extras): ServiceExtras {
  const hooks: Partial<Record<HookEvent, string>> = {};
  for (const [field, event] of Object.entries(HOOK_FIELDS)) {
    const command = entry[field as keyof typeof HOOK_FIELDS];
    if (command !== undefined) hooks[event] = command;
  }
  return {
    watch: [...entry.watch ?? []],
    watchIgnore: [...entry.watch_ignore],
    watchDebounceMs: entry.watch_debounce,
    hooks,
    hookTimeoutMs: entry.hook_timeout,
    maxMemoryBytes: entry.max_memory ?? null,
  };
}
