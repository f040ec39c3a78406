/**
 * Writes JSON Schemas as TypeScript with every object node that occurs more
 * than once (zod inlines a schema wherever it is used: a service's status is
 * in five answers) declared once as a `const` and referred to by name. The
 * generated file is smaller and its readers see the same object each time.
 */

/** A node worth sharing: its JSON is at least this long. */
const MIN_SHARED_CHARS = 120;

/** The declarations and a writer of values that refers to them. */
export interface SharedNodes {
  /** `const W0 = …;` lines, each after the ones it uses. */
  declarations: string[];
  /** The TypeScript text of `value`, shared nodes by name. */
  write(value: unknown): string;
}

/** Finds the nodes that `roots` share and names them `W0`, `W1`, …. */
export function shareNodes(roots: readonly unknown[]): SharedNodes {
  const counts = new Map<string, number>();
  const count = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const json = JSON.stringify(node);
    if (json.length >= MIN_SHARED_CHARS) {
      counts.set(json, (counts.get(json) ?? 0) + 1);
    }
    for (const child of Object.values(node)) count(child);
  };
  for (const root of roots) count(root);
  const names = new Map<string, string>();
  const declarations: string[] = [];
  const write = (value: unknown, self?: string): string => {
    if (value === null || typeof value !== "object") {
      return JSON.stringify(value);
    }
    const json = JSON.stringify(value);
    if (json !== self && (counts.get(json) ?? 0) > 1) {
      let name = names.get(json);
      if (name === undefined) {
        const text = write(value, json);
        name = `W${names.size}`;
        names.set(json, name);
        declarations.push(`const ${name} = ${text} as const;`);
      }
      return name;
    }
    if (Array.isArray(value)) {
      return `[${value.map((item) => write(item)).join(",")}]`;
    }
    return `{${
      Object.entries(value).map(([key, item]) =>
        `${JSON.stringify(key)}:${write(item)}`
      ).join(",")
    }}`;
  };
  return { declarations, write };
}
