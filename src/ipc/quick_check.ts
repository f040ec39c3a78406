/**
 * A check of request bodies and answers against the JSON Schemas that
 * `deno task types` generates from protocol.ts (wire_requests.ts,
 * wire_responses.ts), so that the supervisor answers well-formed requests
 * without loading zod (8 to 10 MiB of RSS, measured) and the CLI reads
 * answers without it (zod's loading and schema building were most of a warm
 * `tend status`). It settles only what it is sure of: a body it accepts gets
 * the value zod would give (defaults filled in, keys in the schema's order);
 * anything else, a schema keyword it does not know included, is left to
 * zod, which gives the error. tests/ipc/wire_requests_test.ts and
 * wire_responses_test.ts compare both on many bodies.
 */
import { NAMED_CHECKS } from "./named_checks.ts";

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
  "oneOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "default",
  "enum",
  "const",
  "x-transform",
  "x-check",
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
  if (Array.isArray(schema.type)) return checkTypes(schema, value);
  if (Array.isArray(schema.anyOf)) {
    for (const option of schema.anyOf as JsonSchema[]) {
      const out = check(option, value);
      if (out !== UNSETTLED) return isAllowed(schema, out) ? out : UNSETTLED;
    }
    return UNSETTLED;
  }
  if (Array.isArray(schema.oneOf)) return checkOneOf(schema, value);
  const out = checkType(schema, value);
  return out === UNSETTLED || isAllowed(schema, out) ? out : UNSETTLED;
}

/**
 * `value` checked against the options of a `oneOf` (a discriminated union):
 * settled when exactly one option settles it; when two do, zod decides.
 */
function checkOneOf(schema: JsonSchema, value: unknown): unknown {
  let found: unknown = UNSETTLED;
  for (const option of schema.oneOf as JsonSchema[]) {
    const out = check(option, value);
    if (out === UNSETTLED) continue;
    if (found !== UNSETTLED) return UNSETTLED;
    found = out;
  }
  return found === UNSETTLED || isAllowed(schema, found) ? found : UNSETTLED;
}

/** `value` checked against the one `type` of `schema`. */
function checkType(schema: JsonSchema, value: unknown): unknown {
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
    case "number":
      return Number.isFinite(value) && withinRange(schema, value as number)
        ? value
        : UNSETTLED;
    case "boolean":
      return typeof value === "boolean" ? value : UNSETTLED;
    case "null":
      return value === null ? value : UNSETTLED;
  }
  return UNSETTLED;
}

/** `type: [a, b]` with no other keyword: any of those types. */
function checkTypes(schema: JsonSchema, value: unknown): unknown {
  if (Object.keys(schema).length !== 1) return UNSETTLED;
  for (const type of schema.type as unknown[]) {
    const out = checkType({ type }, value);
    if (out !== UNSETTLED) return out;
  }
  return UNSETTLED;
}

/** Whether a value of the right type passes `enum`, `const` and `x-check`. */
function isAllowed(schema: JsonSchema, value: unknown): boolean {
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  if ("const" in schema && schema.const !== value) return false;
  const name = schema["x-check"];
  if (name === undefined) return true;
  return typeof name === "string" && Object.hasOwn(NAMED_CHECKS, name) &&
    typeof value === "string" && NAMED_CHECKS[name]!(value);
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
  const given = new Map<string, unknown>();
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
    given.set(key, checked);
  }
  // zod writes the schema's keys first, in its order, then any others.
  const out: Record<string, unknown> = {};
  const required = (schema.required ?? []) as string[];
  for (const [key, itsSchema] of Object.entries(properties)) {
    if (given.has(key)) out[key] = given.get(key);
    else if (required.includes(key) || itsSchema["x-transform"] === true) {
      return UNSETTLED;
    } else if ("default" in itsSchema) {
      out[key] = structuredClone(itsSchema.default);
    }
  }
  for (const [key, checked] of given) {
    if (!Object.hasOwn(properties, key)) out[key] = checked;
  }
  return out;
}
