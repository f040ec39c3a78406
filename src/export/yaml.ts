/** A value the emitter writes: plain data, no functions, no cycles. */
export type YamlValue =
  | string
  | number
  | boolean
  | null
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue | undefined };

/** Keys written without quotes: letters, digits, `_`, `.`, `-`, not starting with `-`. */
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Keys YAML 1.1 readers (PyYAML) take for booleans or null when unquoted. */
const AMBIGUOUS_KEY =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[0-9._-]+)$/;

/**
 * Writes `value` as a block-style YAML document. Every string is
 * double-quoted with JSON escapes (valid YAML), so no string is ever read
 * back as a number, a boolean, null, or a tag; map keys are quoted unless
 * plainly a word. `undefined` map entries are left out.
 *
 * @example
 * ```ts
 * toYaml({ services: { web: { ports: ["8080:8080"], tty: false } } });
 * // services:\n  web:\n    ports:\n      - "8080:8080"\n    tty: false\n
 * ```
 */
export function toYaml(value: YamlValue): string {
  return `${block(value, 0).join("\n")}\n`;
}

function block(value: YamlValue, indent: number): string[] {
  const pad = "  ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return (value as readonly YamlValue[]).flatMap((item) =>
      nested(item) ? [`${pad}-`, ...block(item, indent + 1)] : [
        `${pad}- ${scalar(item)}`,
      ]
    );
  }
  if (isMap(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([key, item]) =>
      nested(item!) ? [`${pad}${mapKey(key)}:`, ...block(item!, indent + 1)] : [
        `${pad}${mapKey(key)}: ${scalar(item!)}`,
      ]
    );
  }
  return [`${pad}${scalar(value)}`];
}

/** A non-empty list or map goes on the lines below its key. */
function nested(value: YamlValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) {
    return Object.values(value).some((v) => v !== undefined);
  }
  return false;
}

function isMap(
  value: YamlValue,
): value is { readonly [key: string]: YamlValue | undefined } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalar(value: YamlValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RangeError(`Cannot write ${value} as YAML`);
    }
    return String(value);
  }
  if (typeof value === "string") return quote(value);
  return Array.isArray(value) ? "[]" : "{}";
}

/**
 * JSON escapes are YAML double-quoted escapes. Lone surrogates become U+FFFD;
 * characters YAML readers refuse or fold (DEL, C1 controls, line and
 * paragraph separators, BOM) are written as `\uXXXX`.
 */
function quote(text: string): string {
  return JSON.stringify(text.toWellFormed()).replace(
    /[\x7f-\x9f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function mapKey(key: string): string {
  return PLAIN_KEY.test(key) && !AMBIGUOUS_KEY.test(key) ? key : quote(key);
}
