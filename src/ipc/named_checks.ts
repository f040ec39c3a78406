/**
 * Refinements of the control API's schemas that carry a name, so that the
 * JSON Schemas `deno task types` generates can say which one applies
 * (`x-check`) and quick_check.ts can run the very same function without
 * zod. The zod schemas of src/ipc/protocol/ refine with these functions;
 * any other refinement is marked `x-zod-only` and left to zod.
 */

/**
 * The longest instant (ISO 8601 text) the control API and state.json take;
 * `Date.prototype.toISOString` writes 24 characters.
 */
export const MAX_INSTANT_CHARS = 40;

/** Whether `text` is a date that `Date.parse` reads (an instant's check). */
export function isInstantText(text: string): boolean {
  return !Number.isNaN(Date.parse(text));
}

/** The named refinements, by the name `x-check` gives them. */
export const NAMED_CHECKS: Readonly<
  Record<string, (value: string) => boolean>
> = {
  instant: isInstantText,
};
