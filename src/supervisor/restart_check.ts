import type { ServiceConfig } from "../config/schema.ts";
import { checkWorkingDirectory } from "../proc/spawn.ts";
import { readEnvFiles } from "./env_file.ts";

/**
 * Checks, for each of `services`, what its start needs and a restart would
 * otherwise find missing only after the stop: its working directory
 * (`START_FAILED` when gone) and its env files (`CONFIG_INVALID` when gone,
 * unreadable or holding a value no environment can carry). Throws the first
 * problem, so that a restart refused keeps what runs running. The start
 * checks again, so an edit in between still counts.
 */
export async function checkStartable(
  services: Iterable<ServiceConfig>,
): Promise<void> {
  for (const service of services) {
    checkWorkingDirectory(service.cwd);
    if (service.envFiles.length === 0) continue;
    await readEnvFiles(service.envFiles, { service: service.name });
  }
}
