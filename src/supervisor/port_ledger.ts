import type { ServiceConfig } from "../config/schema.ts";
import { findPortHolder, portInUseError } from "../net/holder.ts";
import { choosePort } from "../net/port.ts";
import { SerialQueue } from "./serial_queue.ts";

/**
 * The ports granted to a workspace's services. Grants are made one at a time
 * and recorded at once, so services launched together never get the same
 * port, even before either has bound it.
 */
export class PortLedger {
  #grants = new Map<string, number>();
  #queue = new SerialQueue();

  /**
   * Grants `service` its wanted port, or with `port_strategy = "next"` the
   * next free one; `null` for a service without a port. A port that is taken
   * is a `PORT_IN_USE` error naming its holder.
   */
  grant(service: ServiceConfig): Promise<number | null> {
    return this.#queue.run(() => this.#grant(service));
  }

  /** Records the port of an adopted service. */
  hold(name: string, port: number | null): void {
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
  }

  async #grant(service: ServiceConfig): Promise<number | null> {
    this.#grants.delete(service.name);
    if (service.port === null) return null;
    const reserved = new Set(this.#grants.values());
    const choice = await choosePort(service.port, {
      strategy: service.portStrategy,
      reserved,
    });
    if (choice.port === null) {
      const holder = reserved.has(service.port)
        ? null
        : await findPortHolder(service.port);
      throw portInUseError(service.name, { port: service.port, holder });
    }
    this.#grants.set(service.name, choice.port);
    return choice.port;
  }
}
