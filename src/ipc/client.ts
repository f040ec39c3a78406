import { isErrorCode, TendError } from "../errors.ts";
import { type RawResponse, ResponseLostError, unixRequest } from "./_http.ts";
import {
  type ActionResponse,
  API,
  type CleanupResponse,
  type ErrorBody,
  type HttpResponse,
  type PingResponse,
  type ReloadResponse,
  type StatusResponse,
} from "./protocol.ts";

/** How long a ping may take before the supervisor counts as absent. */
const PING_TIMEOUT_MS = 2_000;

/**
 * A typed client of a supervisor's control API over its unix socket.
 *
 * @example
 * ```ts ignore
 * using client = new ControlClient("/work/app/.tend/run/tend.sock");
 * const status = await client.status();
 * ```
 */
export class ControlClient implements Disposable {
  readonly socket: string;

  constructor(socket: string) {
    this.socket = socket;
  }

  /** Asks whether a supervisor answers; `null` when none does. */
  async ping(): Promise<PingResponse | null> {
    try {
      return await this.#call<PingResponse>("GET", API.ping, {
        signal: AbortSignal.timeout(PING_TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof TendError && error.code !== "NOT_RUNNING") {
        throw error;
      }
      return null;
    }
  }

  /** Every service's status. */
  status(options: { timeoutMs?: number } = {}): Promise<StatusResponse> {
    const signal = options.timeoutMs === undefined
      ? undefined
      : AbortSignal.timeout(options.timeoutMs);
    return this.#call("GET", API.status, signal ? { signal } : {});
  }

  /** Starts services (all autostart ones when `names` is empty). */
  start(
    names: readonly string[],
    options: { wait?: boolean } = {},
  ): Promise<ActionResponse> {
    const wait = options.wait ?? true;
    return this.#call("POST", API.start, { body: { names, wait } });
  }

  /** Stops services (all when `names` is empty). */
  stop(names: readonly string[]): Promise<ActionResponse> {
    return this.#call("POST", API.stop, { body: { names } });
  }

  /** Restarts services (all running ones when `names` is empty). */
  restart(names: readonly string[]): Promise<ActionResponse> {
    return this.#call("POST", API.restart, { body: { names } });
  }

  /** Re-reads tend.toml and applies the difference. */
  reload(): Promise<ReloadResponse> {
    return this.#call("POST", API.reload, { body: {} });
  }

  /** Ends untracked processes tagged with the workspace and removes stale files. */
  cleanup(options: { dryRun: boolean }): Promise<CleanupResponse> {
    return this.#call("POST", API.cleanup, { body: options });
  }

  /** Makes the supervisor serve the HTTP API; its URL and token. */
  http(): Promise<HttpResponse> {
    return this.#call("POST", API.http, { body: {} });
  }

  /** Ends the supervisor, stopping every service first when asked. */
  async shutdown(options: { stopServices: boolean }): Promise<void> {
    try {
      await this.#call("POST", API.shutdown, { body: options });
    } catch (error) {
      // A supervisor that exits as asked may close before it answers.
      if (!(error instanceof TendError) || !lostResponse(error)) throw error;
    }
  }

  /** Nothing to release: every call uses its own connection. */
  [Symbol.dispose](): void {}

  async #call<T>(
    method: "GET" | "POST",
    path: string,
    options: { body?: unknown; signal?: AbortSignal } = {},
  ): Promise<T> {
    let response: RawResponse;
    try {
      response = await unixRequest(this.socket, {
        method,
        path,
        ...(options.body === undefined
          ? {}
          : { body: JSON.stringify(options.body) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof ResponseLostError && method === "POST") {
        throw new TendError(
          path === API.stop || path === API.cleanup
            ? "STOP_FAILED"
            : "START_FAILED",
          `The supervisor at "${this.socket}" closed the connection before it answered: ${error.message}`,
          { hint: "Run `tend status` to see what was done", cause: error },
        );
      }
      throw new TendError(
        "NOT_RUNNING",
        `Cannot reach the supervisor at "${this.socket}": ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    let data: unknown = null;
    try {
      data = JSON.parse(response.body);
    } catch {
      // Reported below as a failed request.
    }
    if (response.status >= 200 && response.status < 300 && data !== null) {
      return data as T;
    }
    const body = data as ErrorBody | null;
    const code = body?.error?.code;
    const message = body?.error?.message ??
      `Cannot complete the request: HTTP ${response.status}`;
    if (!isErrorCode(code)) {
      throw new Error(`The supervisor failed: ${message}`);
    }
    throw new TendError(code, message, { hint: body?.error?.hint });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function lostResponse(error: TendError): boolean {
  return error.cause instanceof ResponseLostError;
}
