import type * as z from "npm:zod@4.6.7/mini";
import { lazyImport } from "../_lazy.ts";
import { isErrorCode, messageOf, TendError } from "../errors.ts";
import {
  LAUNCH_HEADER,
  type RawResponse,
  ResponseLostError,
  unixRequest,
} from "./_http.ts";
import type { ENDPOINTS, ErrorBody, Operation } from "./protocol.ts";
import { type JsonSchema, quickParse } from "./quick_check.ts";
import { WIRE_ERROR_BODY, WIRE_RESPONSES } from "./wire_responses.ts";
import type {
  ActionResponse,
  CleanupRequestInput,
  CleanupResponse,
  HttpResponse,
  PingResponse,
  ReloadResponse,
  RunRequestInput,
  ShutdownRequestInput,
  StartRequestInput,
  StatusResponse,
  StopRequestInput,
} from "./wire_types.ts";

/** What the client sends to `op` (defaults may be left out). */
type Body<K extends Operation> = (typeof ENDPOINTS)[K]["request"] extends
  z.ZodMiniType ? z.input<(typeof ENDPOINTS)[K]["request"]> : never;
/** What `op` answers. */
type Answer<K extends Operation> = z.infer<(typeof ENDPOINTS)[K]["response"]>;
/** What one request sends besides its operation. */
type RequestOptions<K extends Operation> = {
  body?: Body<K>;
  signal?: AbortSignal;
  headers?: Readonly<Record<string, string>>;
};

/**
 * How one request went. `unreachable`: nobody answered (no socket, no
 * listener, or the GET's connection failed); `foreign`: the answer was not
 * tend's (no JSON error body with a tend code); `invalid`: a 2xx body that
 * does not match the schema; `lost`: a POST sent whose answer never came
 * (the supervisor may have acted on it); `failed`: a tend error.
 */
type Reply<T> =
  | { readonly kind: "answer"; readonly value: T }
  | {
    readonly kind: "unreachable" | "foreign" | "invalid" | "lost" | "failed";
    readonly error: Error;
  };

/** How long a ping may take before the supervisor counts as absent. */
const PING_TIMEOUT_MS = 2_000;

/**
 * Options of {@linkcode ControlClient.status} and
 * {@linkcode ControlClient.tryStatus}.
 *
 * @example
 * ```ts ignore
 * const status = await client.tryStatus({ timeoutMs: 5_000 });
 * ```
 */
export interface ClientStatusOptions {
  /** Give up after this many milliseconds. @default {undefined} (no limit) */
  timeoutMs?: number;
}

/**
 * Options of {@linkcode ControlClient.start}: the body of `POST /v1/start`
 * but the names, and a signal to stop waiting for the answer.
 *
 * @example
 * ```ts ignore
 * await client.start(["web"], { wait: false });
 * ```
 */
export type ClientStartOptions = Omit<StartRequestInput, "names"> & {
  /** Gives up waiting for the answer (the supervisor goes on). */
  signal?: AbortSignal;
  /**
   * The id of this same start, sent with the go of the supervisor that this
   * process launched (src/client/standby.ts): that supervisor began it as
   * soon as it served, and answers with it. Any other supervisor ignores it.
   */
  launch?: string;
};

/**
 * Options of {@linkcode ControlClient.stop}: the body of `POST /v1/stop`
 * but the names.
 *
 * @example
 * ```ts ignore
 * await client.stop(["web"], { force: true });
 * ```
 */
export type ClientStopOptions = Omit<StopRequestInput, "names">;

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
  /** The unix socket of the control API. */
  readonly socket: string;

  /** A client of the API at `socket`; connects at each call. */
  constructor(socket: string) {
    this.socket = socket;
  }

  /**
   * Asks whether a supervisor answers; `null` when none does (nothing
   * listens, or what answers is not a tend supervisor).
   */
  async ping(): Promise<PingResponse | null> {
    const reply = await this.#request("ping", {
      signal: AbortSignal.timeout(PING_TIMEOUT_MS),
    });
    switch (reply.kind) {
      case "answer":
        return reply.value;
      case "unreachable":
      case "foreign":
        return null;
      default:
        throw reply.error;
    }
  }

  /** Every service's status. */
  async status(options: ClientStatusOptions = {}): Promise<StatusResponse> {
    return answerOf(await this.#request("status", withTimeout(options)));
  }

  /**
   * Every service's status, or `null` when no supervisor answered or its
   * answer is not a status this version reads (the state files are the
   * truth then).
   */
  async tryStatus(
    options: ClientStatusOptions = {},
  ): Promise<StatusResponse | null> {
    const reply = await this.#request("status", withTimeout(options));
    switch (reply.kind) {
      case "answer":
        return reply.value;
      case "unreachable":
      case "invalid":
        return null;
      default:
        throw reply.error;
    }
  }

  /** Starts services (all autostart ones when `names` is empty). */
  start(
    names: readonly string[],
    options: ClientStartOptions = {},
  ): Promise<ActionResponse> {
    const body: Body<"start"> = { names: [...names], wait: options.wait };
    return this.#call("start", {
      body,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.launch
        ? { headers: { [LAUNCH_HEADER]: options.launch } }
        : {}),
    });
  }

  /**
   * Stops services (all when `names` is empty); `force` sends SIGKILL to
   * each process group at once instead of its stop signal; `closing` says a
   * shutdown follows (the supervisor refuses starts from then on).
   */
  stop(
    names: readonly string[],
    options: ClientStopOptions = {},
  ): Promise<ActionResponse> {
    const body: StopRequestInput = { names: [...names], ...options };
    return this.#call("stop", { body });
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

  /** Starts a one-off service that tend.toml does not list (`tend run`). */
  run(request: RunRequestInput): Promise<ActionResponse> {
    return this.#call("run", { body: request });
  }

  /** Re-reads tend.toml and applies the difference. */
  reload(): Promise<ReloadResponse> {
    return this.#call("reload", { body: {} });
  }

  /** Makes the supervisor serve the HTTP API; its URL and token. */
  http(): Promise<HttpResponse> {
    return this.#call("http", { body: {} });
  }

  /** Ends untracked processes tagged with the workspace and removes stale files. */
  cleanup(options: CleanupRequestInput): Promise<CleanupResponse> {
    return this.#call("cleanup", { body: options });
  }

  /** Ends the supervisor, stopping every service first when asked. */
  async shutdown(options: ShutdownRequestInput): Promise<void> {
    const reply = await this.#request("shutdown", { body: options });
    // A supervisor that exits as asked may close before it answers.
    if (reply.kind !== "lost") answerOf(reply);
  }

  /** Nothing to release: every call uses its own connection. */
  [Symbol.dispose](): void {}

  async #call<K extends Operation>(
    op: K,
    options: RequestOptions<K> = {},
  ): Promise<Answer<K>> {
    return answerOf(await this.#request(op, options));
  }

  async #request<K extends Operation>(
    op: K,
    options: RequestOptions<K>,
  ): Promise<Reply<Answer<K>>> {
    const { method, path } = WIRE_RESPONSES[op];
    let response: RawResponse;
    try {
      response = await unixRequest(this.socket, {
        method,
        path,
        ...(options.body === undefined
          ? {}
          : { body: JSON.stringify(options.body) }),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
      });
    } catch (error) {
      if (error instanceof ResponseLostError && method === "POST") {
        return {
          kind: "lost",
          error: new TendError(
            failureCode(op),
            `The supervisor at "${this.socket}" closed the connection before it answered: ${error.message}`,
            { hint: "Run `tend status` to see what was done", cause: error },
          ),
        };
      }
      return {
        kind: "unreachable",
        error: new TendError(
          "NOT_RUNNING",
          `Cannot reach the supervisor at "${this.socket}": ${
            messageOf(error)
          }`,
          { cause: error },
        ),
      };
    }
    return await this.#decode(op, response);
  }

  /** `response` to a request to `op`, read. */
  async #decode<K extends Operation>(
    op: K,
    response: RawResponse,
  ): Promise<Reply<Answer<K>>> {
    let data: unknown = null;
    try {
      data = JSON.parse(response.body);
    } catch {
      // Reported below as a failed request.
    }
    if (response.status >= 200 && response.status < 300 && data !== null) {
      return await this.#check(op, data);
    }
    const body = quickParse(WIRE_ERROR_BODY, data) as ErrorBody | undefined ??
      (await protocol()).ErrorBody.safeParse(data).data;
    const code = body?.error.code;
    const message = body?.error.message ??
      `Cannot complete the request: HTTP ${response.status}`;
    if (!isErrorCode(code)) {
      return {
        kind: "foreign",
        error: new Error(`The supervisor failed: ${message}`),
      };
    }
    return {
      kind: "failed",
      error: new TendError(code, message, { hint: body?.error.hint }),
    };
  }

  /**
   * The answer to `op`, checked against its schema: by its JSON Schema when
   * that settles it, else by zod, loaded then (zod gives the error).
   */
  async #check<K extends Operation>(
    op: K,
    data: unknown,
  ): Promise<Reply<Answer<K>>> {
    const quick = quickParse(WIRE_RESPONSES[op].response as JsonSchema, data);
    if (quick !== undefined) {
      return { kind: "answer", value: quick as Answer<K> };
    }
    const { ENDPOINTS } = await protocol();
    const result = ENDPOINTS[op].response.safeParse(data);
    if (result.success) {
      return { kind: "answer", value: result.data as Answer<K> };
    }
    const issue = result.error.issues[0];
    const field = issue?.path.length ? `"${issue.path.join(".")}": ` : "";
    return {
      kind: "invalid",
      error: new TendError(
        WIRE_RESPONSES[op].method === "GET" ? "NOT_RUNNING" : failureCode(op),
        `The supervisor at "${this.socket}" answered ${
          WIRE_RESPONSES[op].path
        } with an unexpected body: ${field}${issue?.message ?? "invalid"}`,
        {
          hint: "Is it the same tend version? `tend down` and start again",
          cause: result.error,
        },
      ),
    };
  }
}

/** The zod schemas, loaded when an answer needs them (rarely: a bad one). */
function protocol(): Promise<typeof import("./protocol.ts")> {
  return lazyImport<typeof import("./protocol.ts")>(
    new URL("./protocol.ts", import.meta.url),
  );
}

/** The value of `reply`, or its error thrown. */
function answerOf<T>(reply: Reply<T>): T {
  if (reply.kind === "answer") return reply.value;
  throw reply.error;
}

function withTimeout(
  options: ClientStatusOptions,
): { signal?: AbortSignal } {
  return options.timeoutMs === undefined
    ? {}
    : { signal: AbortSignal.timeout(options.timeoutMs) };
}

/** The code of a request to `op` whose outcome is unknown. */
function failureCode(op: Operation): "STOP_FAILED" | "START_FAILED" {
  return op === "stop" || op === "cleanup" ? "STOP_FAILED" : "START_FAILED";
}
