import type { ExitStatus } from "../proc/spawn.ts";

/**
 * Where the current process of a runner is in its life:
 *
 * - `spawning`: the launch is creating it; no exit can arrive yet.
 * - `waiting-ready`: it exists and the launch awaits its readiness. The
 *   launch races readiness against the exit itself, so an exit reported by
 *   the child's `exited` promise meanwhile is parked in `pendingExit` and
 *   handed back when the launch returns (it is then either already settled
 *   by the failed launch, or handled as the exit of a running service).
 * - `up`: the launch returned, or the process was adopted: an exit is
 *   handled as soon as it is reported.
 * - `settled`: its exit is recorded, by the exit handler, by a failed launch
 *   or by a stop; any later report of it (a stop racing an exit: whichever
 *   comes second) is ignored.
 */
export type LaunchPhase = "spawning" | "waiting-ready" | "up" | "settled";

/** The process of one generation. */
export interface LaunchRecord {
  /** Counts every process a runner tracks, spawned or adopted. */
  readonly generation: number;
  phase: LaunchPhase;
  /** An exit reported while the launch was still running. */
  pendingExit: ExitStatus | null;
}

/** What to do with a report that the process of `generation` exited. */
export type ExitRoute =
  /** It is not the current process (a stop and a new start came since). */
  | "stale"
  /** Its exit is already recorded. */
  | "settled"
  /** Its launch is running and sees the exit itself; parked meanwhile. */
  | "parked"
  /** Handle it now. */
  | "handle";

/**
 * The launch/exit race of one runner, as plain data: the record of its
 * current generation. Reports about an earlier generation are stale.
 */
export class LaunchRecords {
  #current: LaunchRecord = {
    generation: 0,
    phase: "settled",
    pendingExit: null,
  };

  /** The current generation's record. */
  get current(): Readonly<LaunchRecord> {
    return this.#current;
  }

  /** Opens the next generation: a launch starts `spawning`, an adoption `up`. */
  begin(phase: "spawning" | "up"): number {
    const generation = this.#current.generation + 1;
    this.#current = { generation, phase, pendingExit: null };
    return generation;
  }

  /** Whether `generation` is the current one. */
  isCurrent(generation: number): boolean {
    return generation === this.#current.generation;
  }

  /** The launch of `generation` has a process and awaits readiness. */
  spawned(generation: number): void {
    const record = this.#current;
    if (record.generation === generation && record.phase === "spawning") {
      record.phase = "waiting-ready";
    }
  }

  /**
   * The launch of `generation` returned: its process is `up` unless already
   * settled. Returns the exit parked meanwhile, to be routed again.
   */
  launched(generation: number): ExitStatus | null {
    const record = this.#current;
    if (record.generation !== generation) return null;
    if (record.phase !== "settled") record.phase = "up";
    const parked = record.pendingExit;
    record.pendingExit = null;
    return parked;
  }

  /** Routes an exit report; parks it while the launch runs. */
  route(generation: number, exit: ExitStatus): ExitRoute {
    const record = this.#current;
    if (record.generation !== generation) return "stale";
    if (record.phase === "settled") return "settled";
    if (record.phase === "up") return "handle";
    record.pendingExit = exit;
    return "parked";
  }

  /** Records the exit of `generation`; `false` when stale or already settled. */
  settle(generation: number): boolean {
    const record = this.#current;
    if (record.generation !== generation || record.phase === "settled") {
      return false;
    }
    record.phase = "settled";
    record.pendingExit = null;
    return true;
  }
}
