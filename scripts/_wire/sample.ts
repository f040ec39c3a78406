/**
 * A sample value of a zod schema, written as a TypeScript literal, for the
 * `@example` of each generated wire type.
 */
import * as z from "npm:zod@4.6.7/mini";
import type { Node } from "./render.ts";

/** The sample of an instant: descriptions of instants say "ISO 8601". */
const INSTANT = "2026-01-01T00:00:00.000Z";

/** A sample value of `node` (each nullable and optional one filled in). */
export function sampleOf(node: Node): unknown {
  const def = node._zod.def;
  switch (def.type) {
    case "string":
      return isInstant(node) ? INSTANT : "...";
    case "number":
    case "int":
      return 0;
    case "boolean":
      return false;
    case "enum":
      return Object.values(def.entries!)[0];
    case "literal":
      return def.values![0];
    case "record":
      return {};
    case "tuple":
      return def.items!.map(sampleOf);
    case "nullable":
    case "readonly":
    case "optional":
    case "default":
      return sampleOf(def.innerType!);
    case "pipe":
      return sampleOf(def.in!);
    case "array":
      return [sampleOf(def.element!)];
    case "object":
      return Object.fromEntries(
        Object.entries(def.shape!).map(([key, field]) => [
          key,
          isInstant(field) ? INSTANT : sampleOf(field),
        ]),
      );
    case "union":
      return sampleOf(def.options![0]!);
  }
  return null;
}

function isInstant(node: Node): boolean {
  const text = z.globalRegistry.get(node as z.ZodMiniType)?.description;
  return text?.includes("ISO 8601") === true;
}

/** `value` as a TypeScript literal, indented by `indent`. */
export function literal(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => `${inner}${literal(item, inner)},`);
    return `[\n${items.join("\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const lines = entries.map(([key, item]) =>
      `${inner}${key}: ${literal(item, inner)},`
    );
    return `{\n${lines.join("\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}
