import type { TendError } from "../errors.ts";

/** What a tool call returns to the client (the SDK's `CallToolResult`). */
export interface ToolResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** A tool's answer: the JSON document as text and as structured content. */
export function toolResult(value: object): ToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
    structuredContent: { ...value },
  };
}

/**
 * A failed call as a tool error (`isError: true`), not a protocol error, so
 * the assistant sees it: `CODE: message`, then the hint on its own line.
 */
export function toolError(error: TendError): ToolResult {
  const hint = error.hint === undefined ? "" : `\nhint: ${error.hint}`;
  return {
    content: [{ type: "text", text: `${error.code}: ${error.message}${hint}` }],
    isError: true,
  };
}

/** A zod error message carrying tend's `USAGE` code, as tend's tool errors do. */
export function usage(message: string): { error: string } {
  return { error: `USAGE: ${message}` };
}
