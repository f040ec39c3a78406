import type { ServiceStatus } from "../ipc/protocol.ts";

/**
 * The lines under the `status` table that say more of some services than
 * its columns: one-off services (`tend run`).
 */
export function statusNotes(services: readonly ServiceStatus[]): string[] {
  const notes: string[] = [];
  for (const service of services) {
    if (service.oneOff === true) {
      notes.push(
        `${service.name}: one-off (tend run), not in tend.toml: gone after tend down`,
      );
    }
  }
  return notes;
}
