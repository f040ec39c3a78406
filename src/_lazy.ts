/**
 * Imports the module at `url` when called. Deno loads every module that a
 * literal `import("./x.ts")` reaches, npm packages included, as soon as it
 * loads the importer, whether or not the import ever runs: measured, that
 * cost every `tend` command 2 to 5 ms of CPU and a supervisor 3 to 8 MiB of
 * RSS. A specifier computed at run time is loaded only when used; the type
 * comes from `typeof import()`, which `deno run` does not load:
 *
 * ```ts ignore
 * const { run } = await lazyImport<typeof import("./up.ts")>(
 *   new URL("./up.ts", import.meta.url),
 * );
 * ```
 *
 * `deno compile` cannot see these modules: the compile task in deno.json
 * names each with `--include` (a test checks the list).
 */
export function lazyImport<T>(url: URL): Promise<T> {
  return import(url.href) as Promise<T>;
}
