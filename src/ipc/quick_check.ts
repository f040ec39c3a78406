/**
 * A check of request bodies against the JSON Schemas that `deno task types`
 * generates from protocol.ts (wire_requests.ts), so that the supervisor
 * answers well-formed requests without loading zod (8 to 10 MiB of RSS,
 * measured). It settles only what it is sure of: a body it accepts gets the
 * value zod would give (defaults filled in); anything else, a schema keyword
 * it does not know included, is left to zod, which gives the error.
 * tests/ipc/wire_requests_test.ts compares both on many bodies.
 */

/** A JSON Schema node as wire_requests.ts spells it. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** What {@linkcode quickParse} could not settle. */
const UNSETTLED = Symbol("unsettled");

/** The keywords this check understands; any other leaves the body to zod. */
const KNOWN = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "anyOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "default",
  "x-transform",
]);

/**
 * `body` as the request's zod schema would parse it, when `schema` settles
 * it; `undefined` when zod must decide (a bad body, a default inside an
 * array, a transformed value that is not plainly kept).
 */
export function quickParse(schema: JsonSchema, body: unknown): unknown {
  const value = check(schema, body);
  return value === UNSETTLED ? undefined : value;
}

function check(schema: JsonSchema, value: unknown): unknown {
  for (const keyword in schema) {
    if (!KNOWN.has(keyword)) return UNSETTLED;
  }
  // A transform is taken to keep a value that its input schema accepts and
  // that is neither null nor absent (the tests hold zod to it).
  if (schema["x-transform"] === true && value === null) return UNSETTLED;
  if (Array.isArray(schema.anyOf)) {
    for (const option of schema.anyOf as JsonSchema[]) {
      const out = check(option, value);
      if (out !== UNSETTLED) return out;
    }
    return UNSETTLED;
  }
  switch (schema.type) {
    case "object":
      return checkObject(schema, value);
    case "array":
      return checkArray(schema, value);
    case "string":
      return typeof value === "string" && withinLength(schema, value.length)
        ? value
        : UNSETTLED;
    case "integer":
      return Number.isSafeInteger(value) && withinRange(schema, value as number)
        ? value
        : UNSETTLED;
    case "boolean":
      return typeof value === "boolean" ? value : UNSETTLED;
    case "null":
      return value === null ? value : UNSETTLED;
  }
  return UNSETTLED;
}

function withinLength(schema: JsonSchema, length: number): boolean {
  const min = schema.minLength ?? schema.minItems;
  const max = schema.maxLength ?? schema.maxItems;
  return (typeof min !== "number" || length >= min) &&
    (typeof max !== "number" || length <= max);
}

function withinRange(schema: JsonSchema, value: number): boolean {
  return (typeof schema.minimum !== "number" || value >= schema.minimum) &&
    (typeof schema.maximum !== "number" || value <= schema.maximum);
}

function checkArray(schema: JsonSchema, value: unknown): unknown {
  if (!Array.isArray(value) || !withinLength(schema, value.length)) {
    return UNSETTLED;
  }
  const items = schema.items as JsonSchema | undefined;
  if (items === undefined) return UNSETTLED;
  const out: unknown[] = [];
  for (const item of value) {
    const checked = check(items, item);
    if (checked === UNSETTLED) return UNSETTLED;
    out.push(checked);
  }
  return out;
}

function checkObject(schema: JsonSchema, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return UNSETTLED;
  }
  const record = value as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const rest = schema.additionalProperties;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key === "__proto__") return UNSETTLED;
    const known = Object.hasOwn(properties, key);
    const itsSchema = known ? properties[key]! : rest;
    if (typeof itsSchema !== "object" || itsSchema === null) return UNSETTLED;
    if (!known && schema.propertyNames !== undefined) {
      const names = schema.propertyNames as JsonSchema;
      if (
        Object.keys(names).some((k) => k !== "type") || names.type !== "string"
      ) {
        return UNSETTLED;
      }
    }
    const checked = check(itsSchema as JsonSchema, record[key]);
    if (checked === UNSETTLED) return UNSETTLED;
    out[key] = checked;
  }
  const required = (schema.required ?? []) as string[];
  for (const [key, itsSchema] of Object.entries(properties)) {
    if (Object.hasOwn(record, key)) continue;
    if (required.includes(key) || itsSchema["x-transform"] === true) {
      return UNSETTLED;
    }
    if ("default" in itsSchema) out[key] = structuredClone(itsSchema.default);
  }
  return out;
}
