import type { ServiceConfig } from "../config/schema.ts";
import type { ServiceDiff } from "../ipc/protocol.ts";

/**
 * Compares two service lists by name and fingerprint: what a reload adds,
 * removes, restarts (changed) and leaves alone (unchanged).
 */
export function diffServices(
  before: readonly ServiceConfig[],
  after: readonly ServiceConfig[],
): ServiceDiff {
  const old = new Map(before.map((s) => [s.name, s.fingerprint]));
  const now = new Set(after.map((s) => s.name));
  const diff: ServiceDiff = {
    added: [],
    removed: [],
    changed: [],
    unchanged: [],
  };
  for (const service of after) {
    const previous = old.get(service.name);
    if (previous === undefined) diff.added.push(service.name);
    else if (previous !== service.fingerprint) diff.changed.push(service.name);
    else diff.unchanged.push(service.name);
  }
  for (const service of before) {
    if (!now.has(service.name)) diff.removed.push(service.name);
  }
  return diff;
}
