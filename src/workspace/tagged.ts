import type { Identity } from "../proc/identity.ts";
import { listProcesses, readEnvTag } from "../proc/scan.ts";

/** A service process found by its workspace tag. */
export interface TaggedLeader {
  identity: Identity;
  /** The `PORT` it was given, if any. */
  port: number | null;
}

/**
 * Finds process-group leaders whose environment carries this workspace's
 * `TEND_WORKSPACE` tag, by `TEND_SERVICE` name: services whose record was
 * lost (a damaged or missing state.json, or a supervisor killed between
 * spawn and save). Only same-user processes can be read, and only group
 * leaders count, so a service's children are never mistaken for it.
 */
export async function findTaggedLeaders(
  root: string,
  bootId: string,
): Promise<Map<string, TaggedLeader>> {
  const found = new Map<string, TaggedLeader>();
  const uid = Deno.uid();
  for (const info of await listProcesses()) {
    if (info.pid !== info.pgrp || info.pid === Deno.pid || info.state === "Z") {
      continue;
    }
    if (uid !== null && info.uid !== uid) continue;
    const tags = await readEnvTag(info.pid, [
      "TEND_WORKSPACE",
      "TEND_SERVICE",
      "PORT",
    ]);
    const name = tags?.TEND_SERVICE;
    if (tags?.TEND_WORKSPACE !== root || !name || found.has(name)) continue;
    const port = Number(tags.PORT);
    found.set(name, {
      identity: { pid: info.pid, startTicks: info.startTicks, bootId },
      port: Number.isInteger(port) && port > 0 ? port : null,
    });
  }
  return found;
}
