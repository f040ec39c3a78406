import type { ControlHandler } from "../ipc/server.ts";
import type { ReloadResponse, StatusResponse } from "../ipc/protocol.ts";
import { readBacklog } from "../logs/backlog.ts";
import { LogFollower } from "../logs/follower.ts";

/** What the HTTP API reads from a supervisor. */
export interface WebSource {
  /** The supervisor's operations: every action goes through them. */
  control: ControlHandler;
  /** The log file of every service of the config in force, by name. */
  logFiles(): ReadonlyMap<string, string>;
}

/** One event of the `/api/v1/events` stream. */
export type HubEvent =
  | { type: "status"; data: StatusResponse }
  | { type: "log"; data: { service: string; lines: string[] } }
  | {
    type: "reload";
    data:
      | { ok: true; result: ReloadResponse }
      | { ok: false; error: { code: string; message: string } };
  };

/** A subscriber of the hub. */
export interface HubClient {
  /** Takes one event. */
  send(event: HubEvent): void;
  /** The hub closes: end the stream. */
  close(): void;
}

/** How often status and logs are read while a client is connected. */
export const PUSH_INTERVAL_MS = 1_000;
/** Most lines of one service pushed in one event. */
const MAX_LINES_PER_PUSH = 1_000;

/**
 * Pushes status and new log lines to connected clients, once a second at
 * most. With no client connected it holds no timer and no follower: an idle
 * supervisor pays nothing for it.
 */
export class EventHub {
  #source: WebSource;
  #clients = new Set<HubClient>();
  #followers = new Map<string, LogFollower>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pumping = false;
  #lastStatus = "";
  #intervalMs: number;

  constructor(source: WebSource, options: { intervalMs?: number } = {}) {
    this.#source = source;
    this.#intervalMs = options.intervalMs ?? PUSH_INTERVAL_MS;
  }

  /** How many clients are connected. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Adds a client; the returned function removes it. */
  subscribe(client: HubClient): () => void {
    this.#clients.add(client);
    if (this.#clients.size === 1) this.#schedule();
    return () => {
      this.#clients.delete(client);
      if (this.#clients.size === 0) this.#idle();
    };
  }

  /** Sends `event` to every client. */
  publish(event: HubEvent): void {
    for (const client of [...this.#clients]) client.send(event);
  }

  /** Drops every client and timer. */
  close(): void {
    const clients = [...this.#clients];
    this.#clients.clear();
    for (const client of clients) client.close();
    this.#idle();
  }

  #idle(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#followers.clear();
    this.#lastStatus = "";
  }

  #schedule(): void {
    if (this.#timer !== null || this.#pumping || this.#clients.size === 0) {
      return;
    }
    const delay = this.#lastStatus === "" ? 0 : this.#intervalMs;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#pump();
    }, delay);
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      await this.#pushStatus();
      await this.#pushLogs();
    } catch {
      // A failed read is retried at the next tick.
    } finally {
      this.#pumping = false;
      this.#schedule();
    }
  }

  async #pushStatus(): Promise<void> {
    const status = await this.#source.control.status();
    const key = JSON.stringify(
      status.services.map((s) => ({ ...s, uptimeSeconds: null })),
    );
    if (key === this.#lastStatus) return;
    this.#lastStatus = key;
    this.publish({ type: "status", data: status });
  }

  async #pushLogs(): Promise<void> {
    const files = this.#source.logFiles();
    for (const [name, follower] of this.#followers) {
      if (files.get(name) !== follower.file) this.#followers.delete(name);
    }
    for (const [name, file] of files) {
      if (this.#clients.size === 0) return;
      const follower = this.#followers.get(name);
      if (follower === undefined) {
        const { position } = await readBacklog(file, { lines: 0 });
        this.#followers.set(name, new LogFollower(file, position));
        continue;
      }
      const lines = await follower.poll();
      if (lines.length === 0) continue;
      this.publish({
        type: "log",
        data: { service: name, lines: lines.slice(-MAX_LINES_PER_PUSH) },
      });
    }
  }
}
