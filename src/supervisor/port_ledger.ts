import type { ServiceConfig } from "../config/schema.ts";
import {
  describePortMove,
  findPortHolder,
  portInUseError,
  type PortOwner,
} from "../net/holder.ts";
import { choosePort } from "../net/port.ts";
import type { Log } from "./log.ts";
import { SerialQueue } from "./serial_queue.ts";

/**
 * The ports granted to a workspace's services. Grants are made one at a time
 * and recorded at once, so services launched together never get the same
 * port, even before either has bound it.
 */
export class PortLedger {
  #grants = new Map<string, number>();
  /** Why a service got another port than its wanted one, by name. */
  #moves = new Map<string, string>();
  #queue = new SerialQueue();
  #log: Log | undefined;

  /** `log` gets a line for each port moved by `port_strategy = "next"`. */
  constructor(options: { log?: Log } = {}) {
    this.#log = options.log;
  }

  /**
   * Grants `service` its wanted port, or with `port_strategy = "next"` the
   * next free one (noted, see {@linkcode PortLedger.moveOf}); `null` for a
   * service without a port. A port that is taken is a `PORT_IN_USE` error
   * naming its holder: a process, or another service of the workspace.
   */
  grant(service: ServiceConfig): Promise<number | null> {
    if (service.port === null) {
      // Nothing to choose, so nothing to wait for: the launches of a start
      // of many services reach their spawns together, not one queue turn
      // apart with the work after each spawn in between.
      this.release(service.name);
      return Promise.resolve(null);
    }
    return this.#queue.run(() => this.#grant(service));
  }

  /** Records the port of an adopted service. */
  hold(name: string, port: number | null): void {
    this.#moves.delete(name);
    if (port === null) this.#grants.delete(name);
    else this.#grants.set(name, port);
  }

  /** The port granted to `name` and not released yet, if any. */
  granted(name: string): number | undefined {
    return this.#grants.get(name);
  }

  /** Forgets the port of a service whose process is gone. */
  release(name: string): void {
    this.#grants.delete(name);
    this.#moves.delete(name);
  }

  /**
   * `port 8701 (8700 is in use by pid N: cmd)` while service `name` holds a
   * port that `"next"` chose instead of the wanted one, else `null`.
   */
  moveOf(name: string): string | null {
    return this.#grants.has(name) ? this.#moves.get(name) ?? null : null;
  }

  async #grant(service: ServiceConfig): Promise<number | null> {
    this.release(service.name);
    if (service.port === null) return null;
    const wanted = service.port;
    const choice = await choosePort(wanted, {
      strategy: service.portStrategy,
      reserved: new Set(this.#grants.values()),
    });
    if (choice.port === null) {
      const holder = await this.#ownerOf(wanted);
      throw portInUseError(service.name, {
        port: wanted,
        holder,
        tried: choice.tried,
      });
    }
    this.#grants.set(service.name, choice.port);
    if (choice.port !== wanted) {
      const move = describePortMove({
        wanted,
        granted: choice.port,
        holder: await this.#ownerOf(wanted),
      });
      this.#moves.set(service.name, move);
      this.#log?.info("{service} gets {move}", {
        service: service.name,
        move,
      });
    }
    return choice.port;
  }

  /** The service of this workspace granted `port`, else the process on it. */
  async #ownerOf(port: number): Promise<PortOwner> {
    for (const [name, granted] of this.#grants) {
      if (granted === port) return { service: name };
    }
    return await findPortHolder(port);
  }
}
