/**
 * What every schema module of the control API shares: zod/mini with its
 * English messages, and {@linkcode about}.
 */
import * as z from "npm:zod@4.6.7/mini";
import en from "npm:zod@4.6.7/v4/locales/en.js";

// zod/mini carries no messages of its own; validation errors are shown to
// users, so they get the English ones (the same as classic zod's).
z.config(en());

/** A flag left out of a request is off. */
export const OFF = false;
/** `ok` of a success. */
export const OK = true;

/** `schema` with a description (it becomes the JSON Schema's). */
export function about<T extends z.ZodMiniType>(schema: T, text: string): T {
  return schema.check(z.describe(text)) as T;
}
