import type { ServiceConfig } from "../config/schema.ts";
import type { PortLedger } from "./port_ledger.ts";

/** A service launched with an old port of a service it uses. */
export interface MovedReference {
  /** The service to restart. */
  name: string;
  /** The service that moved. */
  dependency: string;
  /** The port it was launched with. */
  from: number;
  /** The port the dependency has now. */
  to: number;
}

/**
 * The ports each service was launched with, so that when a service it uses
 * comes back on another port, it can be restarted with the new one.
 */
export class PortReferences {
  #ledger: PortLedger;
  #launchedWith = new Map<string, ReadonlyMap<string, number>>();

  constructor(ledger: PortLedger) {
    this.#ledger = ledger;
  }

  /**
   * The port of every service of `services` that has one (granted, else
   * wanted), as `service` sees them at its launch; remembered.
   */
  portsFor(
    service: ServiceConfig,
    services: readonly ServiceConfig[],
  ): ReadonlyMap<string, number> {
    const ports = new Map<string, number>();
    for (const other of services) {
      if (other.port === null) continue;
      ports.set(other.name, this.#ledger.granted(other.name) ?? other.port);
    }
    this.#launchedWith.set(service.name, ports);
    return ports;
  }

  /**
   * The services among `running` that use `name` (a reference or
   * `depends_on`) and were launched with another port than `port`.
   */
  moved(
    name: string,
    options: { port: number | null; running: readonly ServiceConfig[] },
  ): MovedReference[] {
    const { port } = options;
    if (port === null) return [];
    const moved: MovedReference[] = [];
    for (const service of options.running) {
      const uses = service.references.includes(name) ||
        service.dependsOn.includes(name);
      const from = this.#launchedWith.get(service.name)?.get(name);
      if (uses && from !== undefined && from !== port) {
        moved.push({ name: service.name, dependency: name, from, to: port });
      }
    }
    return moved;
  }

  /**
   * Whether a service it uses was granted another port since `service` was
   * launched (they started together, without `depends_on`).
   */
  stale(service: ServiceConfig): MovedReference | null {
    const launched = this.#launchedWith.get(service.name);
    for (const name of [...service.references, ...service.dependsOn]) {
      const from = launched?.get(name);
      const to = this.#ledger.granted(name);
      if (from !== undefined && to !== undefined && from !== to) {
        return { name: service.name, dependency: name, from, to };
      }
    }
    return null;
  }
}
