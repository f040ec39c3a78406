/**
 * tend's version; kept equal to `version` in deno.json (a test checks).
 *
 * @example
 * ```ts ignore
 * console.log(`tend ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
