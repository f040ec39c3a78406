import { addProblem, type ProblemSink } from "./_problem.ts";
import { MAX_INSTANCES } from "./_rules.ts";
import type { ServiceEntry } from "./_entry.ts";
import { findReferences } from "./references.ts";

/** A text of a service that may hold references, and where it is. */
interface Located {
  text: string;
  path: PropertyKey[];
}

/** The texts of `entry` where references are filled in. */
export function referenceTexts(entry: ServiceEntry): Located[] {
  const texts: Located[] = entry.args.map((text, i) => ({
    text,
    path: ["args", i],
  }));
  for (const [key, text] of Object.entries(entry.env)) {
    texts.push({ text, path: ["env", key] });
  }
  const ready = entry.ready;
  if (ready?.kind === "tcp") {
    texts.push({ text: ready.target, path: ["ready", "tcp"] });
  }
  if (ready?.kind === "http") {
    texts.push({ text: ready.url, path: ["ready", "http"] });
  }
  if (ready?.kind === "command") {
    texts.push({ text: ready.command, path: ["ready", "command"] });
  }
  return texts;
}

/**
 * Checks every `{services.NAME.port|host}`: NAME must be a service (or one
 * instance, `web.1`, of a service with several) that has a port.
 */
export function checkReferences(
  entries: readonly ServiceEntry[],
  key: string,
  ctx: ProblemSink,
): void {
  const targets = referenceTargets(entries);
  entries.forEach((entry, index) => {
    for (const { text, path } of referenceTexts(entry)) {
      for (const reference of findReferences(text)) {
        const problem = referenceProblem(reference.name, targets);
        if (problem === null) continue;
        addProblem(
          ctx,
          `refers to ${reference.text} but ${problem.message}`,
          { path: [key, index, ...path], hint: problem.hint },
        );
      }
    }
  });
}

interface Target {
  hasPort: boolean;
  instances: number;
}

function referenceTargets(entries: readonly ServiceEntry[]) {
  const targets = new Map<string, Target>();
  for (const entry of entries) {
    const hasPort = entry.port !== undefined;
    const instances = checkedInstances(entry);
    targets.set(entry.name, { hasPort, instances });
    if (instances === 1) continue;
    for (let i = 0; i < instances; i++) {
      targets.set(`${entry.name}.${i}`, { hasPort, instances: 1 });
    }
  }
  return targets;
}

function referenceProblem(
  name: string,
  targets: ReadonlyMap<string, Target>,
): { message: string; hint: string } | null {
  const target = targets.get(name);
  if (target === undefined) {
    const known = [...targets.keys()].join(", ") || "none";
    return {
      message: `there is no service "${name}"`,
      hint: `Known services: ${known}`,
    };
  }
  if (!target.hasPort) {
    return {
      message: `service "${name}" has no port`,
      hint: `Add port = <number> to "${name}"`,
    };
  }
  if (target.instances > 1) {
    return {
      message: `service "${name}" has ${target.instances} instances`,
      hint: `Name one instance, e.g. {services.${name}.0.port}`,
    };
  }
  return null;
}

/**
 * Two services that both want the same port with `port_strategy = "fail"`
 * can never run together: a config error naming both.
 */
export function checkFixedPorts(
  entries: readonly ServiceEntry[],
  key: string,
  ctx: ProblemSink,
): void {
  const taken: { first: number; last: number; name: string }[] = [];
  entries.forEach((entry, index) => {
    if (entry.port === undefined || entry.port_strategy !== "fail") return;
    const first = entry.port;
    const last = first + checkedInstances(entry) - 1;
    const clash = taken.find((t) => first <= t.last && t.first <= last);
    if (clash) {
      const port = Math.max(first, clash.first);
      addProblem(
        ctx,
        `asks for port ${port}, which "${clash.name}" also asks for, both with port_strategy = "fail"`,
        {
          path: [key, index, "port"],
          hint: 'Give one of them another port, or port_strategy = "next"',
        },
      );
    }
    taken.push({ first, last, name: entry.name });
  });
}

/**
 * An entry's `instances`, or 1 when that field failed its own check (the
 * checks across services run on the rest of the config all the same: a
 * loop over `instances = 1e20` never ended).
 */
function checkedInstances(entry: ServiceEntry): number {
  const n = entry.instances;
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_INSTANCES ? n : 1;
}
