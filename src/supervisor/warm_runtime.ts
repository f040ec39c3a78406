/**
 * Loads the parts of Deno's runtime that load on first use and that a
 * supervisor uses once it goes, measured on a cold `tend start` of 100
 * services (`--cpu-prof` of the supervisor, Deno 2.9):
 *
 * - the first `setTimeout` loads Deno's Node timers (node:timers, its
 *   async hooks and errors): 11 to 19 ms of the main thread, then paid
 *   between the go and "serving";
 * - `Deno.Command` (the first spawn): about 1 ms.
 *
 * A standby supervisor waits for the CLI's go with its code loaded: done
 * then, this work is off the path from the go to the first spawn. The
 * timer is cleared at once; nothing is started.
 */
export function warmRuntime(): void {
  clearTimeout(setTimeout(() => {}, 0));
  // The getter loads its module; the value is not used.
  void Deno.Command;
}
