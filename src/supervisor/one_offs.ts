import type { Config, ServiceConfig } from "../config/schema.ts";

/**
 * The one-off services of `tend run`: runners the supervisor has that
 * tend.toml does not list. They are never saved, so they end with the
 * supervisor (a new one finds them unlisted and ends them).
 */
export class OneOffs {
  #services = new Map<string, ServiceConfig>();

  /** Whether `name` is a one-off service. */
  has(name: string): boolean {
    return this.#services.has(name);
  }

  /** Adds (or replaces) a one-off service. */
  set(service: ServiceConfig): void {
    this.#services.set(service.name, service);
  }

  /** Forgets `name` (tend.toml now defines it). */
  delete(name: string): void {
    this.#services.delete(name);
  }

  /** `config` with the one-off services after its own, for name lookups. */
  merged(config: Config): Config {
    if (this.#services.size === 0) return config;
    const listed = new Set(config.services.map((s) => s.name));
    const extra = [...this.#services.values()].filter((s) =>
      !listed.has(s.name)
    );
    return { ...config, services: [...config.services, ...extra] };
  }
}
