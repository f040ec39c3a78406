import type { z } from "npm:zod@4.6.7";
import { describeValue } from "./_describe.ts";
import { DAEMON_FIELDS } from "./_daemon.ts";
import type { ProblemParams } from "./_problem.ts";
import { READY_KINDS } from "./_ready.ts";
import { SERVICE_FIELDS } from "./_service.ts";
import { TOP_LEVEL_FIELDS } from "./schema.ts";

type Issue = z.core.$ZodIssue;

/** One config problem as a user reads it. */
export interface IssueText {
  /** The end of `Cannot load config "<file>": …`. */
  message: string;
  /** A next step, when there is an obvious one. */
  hint: string | undefined;
}

/**
 * The issue to tell the user about: an unknown field first (it is often a
 * typo that also makes a required field look missing), else the first one.
 */
export function pickIssue(issues: readonly Issue[]): Issue | undefined {
  return issues.find((issue) => issue.code === "unrecognized_keys") ??
    issues[0];
}

/**
 * Writes a zod issue as one sentence naming the field, with the service name
 * next to its index (`processes[1] ("web").port`) looked up in `doc`, the
 * parsed TOML document.
 */
export function formatIssue(issue: Issue, doc: unknown): IssueText {
  const where = formatPath(issue.path, doc);
  if (issue.code === "unrecognized_keys") {
    return unknownFields(issue.keys, issue.path, where);
  }
  const message = issue.code === "invalid_key"
    ? issue.issues[0]?.message ?? issue.message
    : issue.message;
  const params: ProblemParams = issue.code === "custom"
    ? issue.params ?? {}
    : { showInput: true };
  return {
    message: describe(where, message, params.showInput ? issue : undefined),
    hint: params.hint ?? typeHint(issue),
  };
}

function describe(where: string, message: string, issue?: Issue): string {
  if (!where) return message;
  if (issue === undefined) return `${where} ${message}`;
  if (issue.input === undefined && issue.code === "invalid_type") {
    return `${where} is required and ${message}`;
  }
  return `${where} ${message}, got ${describeValue(issue.input)}`;
}

function unknownFields(
  keys: readonly string[],
  path: readonly PropertyKey[],
  where: string,
): IssueText {
  const names = keys.map((key) => JSON.stringify(key)).join(", ");
  const noun = keys.length === 1 ? "field" : "fields";
  const place = where === "" ? "at the top level" : `in ${tableName(where)}`;
  const guess = keys.length === 1
    ? closest(keys[0] ?? "", knownFields(path))
    : undefined;
  return {
    message: `unknown ${noun} ${names} ${place}`,
    hint: guess === undefined ? undefined : `Did you mean "${guess}"?`,
  };
}

function tableName(where: string): string {
  return where === "daemon" ? "[daemon]" : where;
}

function typeHint(issue: Issue): string | undefined {
  const [key, ...rest] = issue.path;
  const isList = (key === "processes" || key === "services") &&
    rest.length === 0;
  if (isList && issue.code === "invalid_type") {
    return `Write [[${key}]] with double brackets, once per service`;
  }
  return undefined;
}

function knownFields(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return TOP_LEVEL_FIELDS;
  if (path.length === 1 && path[0] === "daemon") return DAEMON_FIELDS;
  if (path.length === 2) return SERVICE_FIELDS;
  if (path.length === 3 && path[2] === "ready") return READY_KINDS;
  return [];
}

/** `processes[1] ("web").env.DEBUG` for `["processes", 1, "env", "DEBUG"]`. */
export function formatPath(path: readonly PropertyKey[], doc: unknown): string {
  let text = "";
  let node = doc;
  path.forEach((segment, depth) => {
    node = child(node, segment);
    if (typeof segment === "number") {
      text += `[${segment}]`;
      const name = depth === 1 ? child(node, "name") : undefined;
      if (typeof name === "string") text += ` (${JSON.stringify(name)})`;
      return;
    }
    const key = String(segment);
    const shown = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
    text += text === "" ? shown : `.${shown}`;
  });
  return text;
}

function child(node: unknown, segment: PropertyKey): unknown {
  if (typeof node !== "object" || node === null) return undefined;
  return (node as Record<PropertyKey, unknown>)[segment];
}

const MAX_TYPO_DISTANCE = 2;

function closest(
  word: string,
  candidates: readonly string[],
): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_TYPO_DISTANCE + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
