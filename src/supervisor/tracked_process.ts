import { servicePidFile } from "../config/paths.ts";
import { stopSignalOf } from "../workspace/end_group.ts";
import type { ServiceConfig } from "../config/schema.ts";
import type { Identity } from "../proc/identity.ts";
import type { ExitStatus, SpawnedProcess } from "../proc/spawn.ts";
import type { RunnerContext } from "./runner_io.ts";
import { messageOf } from "../errors.ts";

/**
 * The process a runner tracks (spawned or adopted) and what touches it: the
 * PID file, the port grant, the periodic check of an adopted process, and
 * ending its group. It keeps no state of the service: the runner does.
 */
export class TrackedProcess {
  /** Our child, while it runs; `null` for an adopted process. */
  child: SpawnedProcess | null = null;
  /** The identity of the process (group leader); kept after it exits. */
  identity: Identity | null = null;
  /** Its port; kept after it exits. */
  port: number | null = null;
  /** When it started (ms since the epoch); kept after it exits. */
  startedAt: number | null = null;
  #name: string;
  #ctx: RunnerContext;
  #unwatch: (() => void) | undefined;
  #removal: Promise<void> | null = null;

  constructor(name: string, ctx: RunnerContext) {
    this.#name = name;
    this.#ctx = ctx;
  }

  /**
   * Tracks a child just spawned. `onExit` hears its exit, from now on, even
   * while the identity and PID file are written.
   */
  async spawned(
    spawned: { child: SpawnedProcess; port: number | null },
    onExit: (exit: ExitStatus) => void,
  ): Promise<void> {
    const { child, port } = spawned;
    const { io, bootId } = this.#ctx;
    this.child = child;
    this.port = port;
    this.startedAt = io.now();
    child.exited.then(onExit);
    this.identity = await io.readIdentity(child.pid, bootId) ??
      { pid: child.pid, startTicks: 0, bootId };
    await io.writePidFile(this.#pidFile(), child.pid);
    this.#ctx.log.info("spawned {service} pid {pid}", {
      service: this.#name,
      pid: child.pid,
      port,
    });
  }

  /**
   * Tracks a process an earlier supervisor started; `onGone` is called when
   * a periodic check finds it dead (it is not our child: no exit event).
   */
  async adopted(
    found: { identity: Identity; port: number | null; startedAt: number },
    options: { checkIntervalMs: number; onGone: () => void },
  ): Promise<void> {
    const { identity, port } = found;
    this.child = null;
    this.identity = identity;
    this.port = port;
    this.startedAt = found.startedAt;
    this.#ctx.ports.hold(this.#name, port);
    this.#watch(identity, options);
    await this.#ctx.io.writePidFile(this.#pidFile(), identity.pid)
      .catch((error) =>
        this.#ctx.log.warn(
          "cannot rewrite the pid file of {service}: {error}",
          {
            service: this.#name,
            error: messageOf(error),
          },
        )
      );
    this.#ctx.log.info("adopted {service} pid {pid}", {
      service: this.#name,
      pid: identity.pid,
    });
  }

  /** Ends whatever is left of the process group (SIGKILL at once with `force`). */
  endGroup(
    config: ServiceConfig,
    options: { force?: boolean } = {},
  ): Promise<{ escalated: boolean }> {
    const identity = this.identity;
    if (identity === null) return Promise.resolve({ escalated: false });
    return this.#ctx.io.endGroup(identity, {
      root: this.#ctx.paths.root,
      ...stopSignalOf(config, options),
      exited: this.child?.exited,
      bootId: this.#ctx.bootId,
    });
  }

  /**
   * The process is gone: forgets the child, its port, its PID file and
   * checks. The PID file is removed at once with `now` (an exit that the
   * restart policy may follow with a spawn at once), else in the background:
   * {@linkcode removal} then tells when it is done.
   */
  gone(options: { now?: boolean } = {}): void {
    this.#stopWatching();
    this.child = null;
    this.#ctx.ports.release(this.#name);
    const removal = this.#ctx.io.removePidFile(this.#pidFile(), options)
      .then(() => {}, (error) =>
        this.#ctx.log.error(
          "cannot remove the pid file of {service}: {error}",
          { service: this.#name, error: messageOf(error) },
        ));
    if (options.now === true) return;
    this.#removal = removal;
    void removal.then(() => {
      if (this.#removal === removal) this.#removal = null;
    });
  }

  /**
   * The removal of the last PID file while it runs, else `null`: a launch
   * waits for it, lest it take away the new PID file.
   */
  get removal(): Promise<void> | null {
    return this.#removal;
  }

  /** No process came of a launch: gives its port back. */
  releasePort(): void {
    this.#ctx.ports.release(this.#name);
  }

  /** Stops the checks and lets this process exit while the service runs on. */
  detach(): void {
    this.#stopWatching();
    this.child?.unref();
  }

  #watch(
    identity: Identity,
    options: { checkIntervalMs: number; onGone: () => void },
  ): void {
    this.#stopWatching();
    this.#unwatch = this.#ctx.ticker.every(
      options.checkIntervalMs,
      async () => {
        const alive = await Promise.resolve(
          this.#ctx.io.identityMatchesNow(identity, this.#ctx.bootId),
        ).catch(() => true); // Unsure: look again at the next tick.
        if (!alive) options.onGone();
      },
    );
  }

  #stopWatching(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  #pidFile(): string {
    return servicePidFile(this.#ctx.paths, this.#name);
  }
}
