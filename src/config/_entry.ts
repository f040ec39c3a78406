/**
 * A `[[processes]]` entry and the `[daemon]` table once validated (tend.toml's
 * snake_case, durations in ms, sizes in bytes, defaults in place): what the
 * zod schemas output (_service.ts and _daemon.ts check that they match) and
 * what the check without zod builds (quick.ts). Types only.
 */
import type { OVERLAP_POLICIES, StopSignal } from "./_rules.ts";

/** How tend knows a service is ready. */
export type ReadyEntry =
  | { readonly kind: "tcp"; readonly target: string }
  | { readonly kind: "http"; readonly url: string }
  | { readonly kind: "log"; readonly pattern: string }
  | { readonly kind: "command"; readonly command: string };

/** One env file of a service: a path relative to the workspace. */
export interface EnvFileEntry {
  path: string;
  /** A missing file is skipped rather than an error. */
  optional: boolean;
}

/** A `[[processes]]` entry after validation. */
export interface ServiceEntry {
  name: string;
  command: string;
  type: "service" | "oneshot";
  args: string[];
  "working_directory"?: string | undefined;
  env: Record<string, string>;
  "env_file"?: EnvFileEntry[] | undefined;
  port?: number | undefined;
  "port_strategy": "next" | "fail";
  "auto_restart"?: boolean | undefined;
  restart?: "always" | "on-failure" | "never" | undefined;
  "success_exit_codes": number[];
  "restart_delay": number;
  "restart_delay_max": number;
  "min_uptime": number;
  "max_restarts": number;
  "restart_window": number;
  ready?: ReadyEntry | undefined;
  "ready_timeout": number;
  "min_ready": number;
  "stop_signal": StopSignal;
  "stop_timeout": number;
  "depends_on": string[];
  instances: number;
  "max_instances"?: number | undefined;
  autostart: boolean;
  "check_interval"?: number | undefined;
  "capture_output"?: boolean | undefined;
  "log_file"?: string | undefined;
  "log_max_size"?: number | undefined;
  "max_log_size"?: number | undefined;
  "log_backups"?: number | undefined;
  schedule?:
    | string
    | { cron: string; timezone?: string | undefined }
    | undefined;
  timezone?: string | undefined;
  overlap?: (typeof OVERLAP_POLICIES)[number] | undefined;
  image?: string | undefined;
  watch?: string[] | undefined;
  "watch_ignore": string[];
  "watch_debounce": number;
  "on_ready"?: string | undefined;
  "on_exit"?: string | undefined;
  "on_failed"?: string | undefined;
  "on_restart"?: string | undefined;
  "hook_timeout": number;
  "max_memory"?: number | undefined;
}

/** The `[daemon]` table after validation. */
export interface DaemonTable {
  "pid_file"?: string | undefined;
  "log_file": string;
  "check_interval": number;
  http?: { hostname: string; port: number } | null | undefined;
  "http_allow_remote": boolean;
  "log_max_size": number;
  "log_backups": number;
}

/** `true` when `A` and `B` are the same type (for the checks of the schemas). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false)
  : false;
