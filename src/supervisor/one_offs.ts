import { lazyImport } from "../_lazy.ts";
import type { Config, ServiceConfig } from "../config/schema.ts";
import { TendError } from "../errors.ts";
import type { RunRequest } from "../ipc/protocol.ts";
import type { RunState } from "./transition.ts";

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

  /**
   * Checks and records the one-off service `request` asks for: validated
   * as a tend.toml entry against `disk`, under a name that neither `disk`
   * nor the `running` config has; a one-off of that name that still runs
   * (`existing`) is `ALREADY_RUNNING`, a stopped one is replaced. The
   * validator (zod, TOML) is loaded only here, on the first one-off.
   */
  async prepare(
    request: RunRequest,
    options: {
      disk: Config;
      running: Config;
      existing: { state: RunState } | undefined;
    },
  ): Promise<ServiceConfig> {
    const { adhocService, alreadyInFile } = await lazyImport<
      typeof import("../config/adhoc.ts")
    >(new URL("../config/adhoc.ts", import.meta.url));
    const { name } = request;
    const { existing } = options;
    if (existing && !this.has(name)) {
      throw alreadyInFile(name, options.running.file);
    }
    const service = adhocService(request, { config: options.disk });
    if (
      existing && existing.state !== "stopped" && existing.state !== "failed"
    ) {
      throw new TendError(
        "ALREADY_RUNNING",
        `Cannot run "${name}": a one-off service of that name is ${existing.state}`,
        { hint: `Stop it first: tend stop ${name}` },
      );
    }
    this.set(service);
    return service;
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
