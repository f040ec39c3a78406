import * as z from "zod/mini";
import { isErrorCode, TendError } from "../errors.ts";
import { type RawResponse, ResponseLostError, unixRequest } from "./_http.ts";
import {
  type ActionResponse,
  type CleanupResponse,
  ENDPOINTS,
  ErrorBody,
  type Operation,
  type PingResponse,
  type ReloadResponse,
  type StatusResponse,
} from "./protocol.ts";

/** What the client sends to `op` (defaults may be left out). */
type Body<K extends Operation> = (typeof ENDPOINTS)[K]["request"] extends
  z.ZodMiniType ? z.input<(typeof ENDPOINTS)[K]["request"]> : never;
/** What `op` answers. */
type Answer<K extends Operation> = z.infer<(typeof ENDPOINTS)[K]["response"]>;

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
      return await this.#call("ping", {
        signal: AbortSignal.timeout(PING_TIMEOUT_MS),
      });
    } catch (error) {
      if (
        error instanceof TendError &&
        (error.code !== "NOT_RUNNING" ||
          error.cause instanceof z.core.$ZodError)
      ) {
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
    return this.#call("status", signal ? { signal } : {});
  }

  /** Starts services (all autostart ones when `names` is empty). */
  start(
    names: readonly string[],
    options: Omit<z.input<typeof ENDPOINTS.start.request>, "names"> & {
      /** Gives up waiting for the answer (the supervisor goes on). */
      signal?: AbortSignal;
    } = {},
  ): Promise<ActionResponse> {
    const body: Body<"start"> = { names: [...names], wait: options.wait };
    return this.#call(
      "start",
      options.signal ? { body, signal: options.signal } : { body },
    );
  }

  /** Stops services (all when `names` is empty). */
  stop(names: readonly string[]): Promise<ActionResponse> {
    return this.#call("stop", { body: { names: [...names] } });
  }

  /** Restarts services (all running ones when `names` is empty). */
  restart(
    names: readonly string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<ActionResponse> {
    const body = { names: [...names] };
    return this.#call(
      "restart",
      options.signal ? { body, signal: options.signal } : { body },
    );
  }

  /** Re-reads tend.toml and applies the difference. */
  reload(): Promise<ReloadResponse> {
    return this.#call("reload", { body: {} });
  }

  /** Ends untracked processes tagged with the workspace and removes stale files. */
  cleanup(options: Body<"cleanup">): Promise<CleanupResponse> {
    return this.#call("cleanup", { body: options });
  }

  /** Ends the supervisor, stopping every service first when asked. */
  async shutdown(options: Body<"shutdown">): Promise<void> {
    try {
      await this.#call("shutdown", { body: options });
    } catch (error) {
      // A supervisor that exits as asked may close before it answers.
      if (!(error instanceof TendError) || !lostResponse(error)) throw error;
    }
  }

  /** Nothing to release: every call uses its own connection. */
  [Symbol.dispose](): void {}

  async #call<K extends Operation>(
    op: K,
    options: { body?: Body<K>; signal?: AbortSignal } = {},
  ): Promise<Answer<K>> {
    const { method, path } = ENDPOINTS[op];
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
          failureCode(op),
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
      return this.#check(op, data);
    }
    const body = ErrorBody.safeParse(data).data;
    const code = body?.error.code;
    const message = body?.error.message ??
      `Cannot complete the request: HTTP ${response.status}`;
    if (!isErrorCode(code)) {
      throw new Error(`The supervisor failed: ${message}`);
    }
    throw new TendError(code, message, { hint: body?.error.hint });
  }

  /** The answer to `op`, checked against its schema. */
  #check<K extends Operation>(op: K, data: unknown): Answer<K> {
    const result = ENDPOINTS[op].response.safeParse(data);
    if (result.success) return result.data as Answer<K>;
    const issue = result.error.issues[0];
    const field = issue?.path.length ? `"${issue.path.join(".")}": ` : "";
    throw new TendError(
      ENDPOINTS[op].method === "GET" ? "NOT_RUNNING" : failureCode(op),
      `The supervisor at "${this.socket}" answered ${
        ENDPOINTS[op].path
      } with an unexpected body: ${field}${issue?.message ?? "invalid"}`,
      {
        hint: "Is it the same tend version? `tend down` and start again",
        cause: result.error,
      },
    );
  }
}

/** The code of a request to `op` whose outcome is unknown. */
function failureCode(op: Operation): "STOP_FAILED" | "START_FAILED" {
  return op === "stop" || op === "cleanup" ? "STOP_FAILED" : "START_FAILED";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function lostResponse(error: TendError): boolean {
  return error.cause instanceof ResponseLostError;
}
