import type { WorkspacePaths } from "../config/paths.ts";
import type { Config, ServiceConfig } from "../config/schema.ts";
import type {
  ActionResponse,
  ServiceStatus,
  StartRequest,
} from "../ipc/protocol.ts";
import type { Timing } from "../timing.ts";
import type { ClosingGate } from "./closing.ts";
import type { ConfigSource } from "./config_source.ts";
import type { Log } from "./log.ts";
import type { OneOffs } from "./one_offs.ts";
import type { PortReferences } from "./port_references.ts";
import type { ServiceExtras } from "./service_extras.ts";
import type { ServiceRunner } from "./service_runner.ts";

/** The options of a supervisor that its pieces read. */
export interface SupervisorBasics {
  readonly paths: WorkspacePaths;
  readonly bootId: string;
  readonly log: Log;
  /** The fixed waits (graces of cleanup and recovery). */
  readonly timing: Timing;
  /** Re-reads the config (for reload, start, restart and status). */
  loadConfig(): Promise<Config>;
}

/**
 * What the pieces of a supervisor (supervisor_*.ts) share: its
 * state, and the operations they call back through it.
 */
export interface SupervisorContext {
  readonly options: SupervisorBasics;
  /** The config in force. */
  config: Config;
  readonly runners: Map<string, ServiceRunner>;
  readonly source: ConfigSource;
  readonly references: PortReferences;
  readonly gate: ClosingGate;
  readonly oneOffs: OneOffs;
  /** Watches, hooks and memory limits. */
  readonly extras: ServiceExtras;
  /** The runner of `name`; `UNKNOWN_SERVICE` when there is none. */
  runner(name: string): ServiceRunner;
  /** A service's view, with the note of a port moved by "next". */
  view(runner: ServiceRunner): ServiceStatus;
  /** Adds a runner for `service`. */
  addRunner(service: ServiceConfig): void;
  /** Called after every change worth persisting. */
  changed(): void;
  /** Logs the failure of a background operation on `subject`. */
  logError(subject: string, error: unknown): void;
  /** The supervisor's `start`. */
  start(
    names: readonly string[],
    options?: Partial<Omit<StartRequest, "names">>,
  ): Promise<ActionResponse>;
  /** The supervisor's `stop`. */
  stop(names: readonly string[]): Promise<ActionResponse>;
  /** The supervisor's `restart`. */
  restart(names: readonly string[]): Promise<ActionResponse>;
}
