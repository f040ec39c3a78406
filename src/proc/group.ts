/**
 * Whether a process group is there: apart from signal.ts (which scans
 * /proc) so that a CLI that only builds a `setsid` command line
 * (session_spawn.ts, on the path of a cold `tend start`) does not load the
 * scans.
 */

/**
 * Whether group `pgid` has any process, zombies included: one `kill(-pgid,
 * 0)`, no /proc scan. A group this says is gone is certainly gone.
 */
export function groupExists(pgid: number): boolean {
  try {
    Deno.kill(-pgid, 0 as unknown as Deno.Signal);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}
