const MAX_SHOWN_CHARS = 60;

/**
 * Shows a config value the way a user wrote it, for the "got …" part of an
 * error message: strings quoted, tables and long arrays named by kind.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return truncate(JSON.stringify(value));
  if (typeof value === "number") return describeNumber(value);
  if (typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value instanceof Date) return `a date (${String(value)})`;
  if (Array.isArray(value)) return describeArray(value);
  return "a table";
}

function describeNumber(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

function describeArray(value: unknown[]): string {
  if (value.length === 0) return "an empty array";
  const shown = JSON.stringify(value);
  return shown.length <= MAX_SHOWN_CHARS ? shown : "an array";
}

function truncate(text: string): string {
  return text.length <= MAX_SHOWN_CHARS
    ? text
    : `${text.slice(0, MAX_SHOWN_CHARS - 2)}…"`;
}
