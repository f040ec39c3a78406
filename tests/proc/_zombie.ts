import { firstLine, fixtureKiller, pollUntil } from "./_fixture.ts";

/** A detached `sleep` whose exited child it never reaps: a lasting zombie. */
export interface ZombieMaker extends AsyncDisposable {
  /** The spawned process (`sleep 300` after `exec`, its group's leader). */
  readonly child: Deno.ChildProcess;
  /** The PID of its zombie child. */
  readonly zombiePid: number;
}

/** The background child's life: it must outlast the shell's `exec`. */
const CHILD_LIFE_S = "0.2";

/**
 * Starts `sh -c 'sleep 0.2 & echo $!; exec sleep 300'` in its own group and
 * waits until the background sleep is a zombie: after `exec`, its parent is
 * `sleep 300`, which never calls wait. A Deno fixture cannot do this, since
 * Deno reaps its children.
 */
export async function startZombieMaker(): Promise<ZombieMaker> {
  const child = new Deno.Command("sh", {
    args: ["-c", `sleep ${CHILD_LIFE_S} & echo $!; exec sleep 300`],
    detached: true,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const kill = fixtureKiller(child, { group: true });
  try {
    const zombiePid = Number(await firstLine(child.stdout));
    await pollUntil(async () => {
      const text = await Deno.readTextFile(`/proc/${zombiePid}/stat`);
      return text.slice(text.lastIndexOf(")") + 2).startsWith("Z") || undefined;
    }, `process ${zombiePid} to become a zombie`);
    return { child, zombiePid, [Symbol.asyncDispose]: kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
