/**
 * Programs that only load modules: the floor under `tend status`, which
 * loads as many TypeScript modules (status_modules.ts counts them). Each
 * module imports the next and exports 40 small functions (about 2.5 KB);
 * none does any work.
 */

const FUNCTIONS_PER_MODULE = 40;

/**
 * Writes `count` modules into `dir` (an entry that imports a chain of the
 * others) as TypeScript or as JavaScript (what a compiled executable
 * stores) and returns the entry.
 */
export async function writeModuleChain(
  dir: string,
  options: { count: number; language: "ts" | "js" },
): Promise<string> {
  const { count, language } = options;
  const typed = language === "ts" ? ": number" : "";
  const body = Array.from(
    { length: FUNCTIONS_PER_MODULE },
    (_, i) =>
      `export function f${i}(x${typed})${typed} {\n  return x * ${i} + 1;\n}\n`,
  ).join("");
  for (let i = 0; i < count - 1; i++) {
    const last = i === count - 2;
    const head = last
      ? ""
      : `import { value as next } from "./m${i + 1}.${language}";\n`;
    // Each value is one more than the next module's: the entry's output
    // shows that every module ran.
    const tail = `export const value = ${last ? "1" : "f1(next)"};\n`;
    await Deno.writeTextFile(
      `${dir}/m${i}.${language}`,
      `${head}${body}${tail}`,
    );
  }
  const entry = `${dir}/main.${language}`;
  await Deno.writeTextFile(
    entry,
    `import { value } from "./m0.${language}";\nconsole.log(value);\n`,
  );
  return entry;
}
