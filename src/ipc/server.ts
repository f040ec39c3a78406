import { lazyImport } from "../_lazy.ts";
import { messageOf, TendError } from "../errors.ts";
import { parseJsonBody, parseRequest } from "./validate.ts";
import { LAUNCH_HEADER } from "./_http.ts";
import { type JsonSchema, quickParse } from "./quick_check.ts";
import {
  type PlainAnswer,
  type PlainRequest,
  serveUnix,
  type UnixServer,
} from "./unix_server.ts";
import { WIRE_ENDPOINTS as ENDPOINTS } from "./wire_requests.ts";
import type * as z from "npm:zod@4.6.7/mini";
import type {
  ActionResponse,
  CleanupRequest,
  CleanupResponse,
  ENDPOINTS as SCHEMAS,
  ErrorBody,
  HttpResponse,
  Operation,
  PingResponse,
  ReloadResponse,
  RestartRequest,
  RunRequest,
  ShutdownRequest,
  ShutdownResponse,
  StartRequest,
  StatusResponse,
  StopRequest,
} from "./protocol.ts";

/** What the control API can ask of a supervisor. */
export interface ControlHandler {
  ping(): PingResponse;
  status(): StatusResponse | Promise<StatusResponse>;
  /** `launch`: the id its `x-tend-launch` header carries, when sent. */
  start(
    names: StartRequest["names"],
    options: Omit<StartRequest, "names">,
    launch?: string,
  ): Promise<ActionResponse>;
  stop(
    names: StopRequest["names"],
    options: Omit<StopRequest, "names">,
  ): Promise<ActionResponse>;
  restart(names: RestartRequest["names"]): Promise<ActionResponse>;
  reload(): Promise<ReloadResponse>;
  /** Starts a one-off service (`tend run`). */
  run(request: RunRequest): Promise<ActionResponse>;
  shutdown(options: ShutdownRequest): Promise<void>;
  cleanup(options: CleanupRequest): Promise<CleanupResponse>;
  /** Starts the HTTP API and dashboard when it does not listen yet. */
  http(): Promise<HttpResponse>;
}

/**
 * Serves the control API on the unix socket at `path` (mode 0600) until
 * `signal` aborts. The caller holds the workspace lock and has removed any
 * stale socket file.
 */
export function serveControl(
  path: string,
  options: { handler: ControlHandler; signal: AbortSignal },
): UnixServer {
  return serveUnix(path, {
    signal: options.signal,
    answer: (request) => route(request, options.handler),
  });
}

/** Answers one request; exported for tests. */
export async function route(
  request: PlainRequest,
  handler: ControlHandler,
): Promise<PlainAnswer> {
  try {
    const { path: pathname } = request;
    if (request.method === "GET" || request.method === "HEAD") {
      if (pathname === ENDPOINTS.ping.path) {
        return json(handler.ping());
      }
      if (pathname === ENDPOINTS.status.path) {
        return json(await handler.status());
      }
    } else if (request.method === "POST") {
      return await routePost(pathname, request, handler);
    }
    return errorResponse(
      404,
      "USAGE",
      `Cannot ${request.method} ${pathname}: no such endpoint`,
    );
  } catch (error) {
    if (error instanceof TendError) {
      return errorResponse(
        statusOf(error),
        error.code,
        error.message,
        error.hint,
      );
    }
    const message = messageOf(error);
    return errorResponse(
      500,
      "INTERNAL",
      `Cannot complete the request: ${message}`,
    );
  }
}

async function routePost(
  pathname: string,
  request: PlainRequest,
  handler: ControlHandler,
): Promise<PlainAnswer> {
  const body = parseJsonBody(request.body);
  switch (pathname) {
    case ENDPOINTS.start.path: {
      const { names, ...options } = await parseBody("start", body);
      const launch = request.headers.get(LAUNCH_HEADER);
      return json(await handler.start(names, options, launch));
    }
    case ENDPOINTS.stop.path: {
      const { names, ...options } = await parseBody("stop", body);
      return json(await handler.stop(names, options));
    }
    case ENDPOINTS.restart.path:
      return json(
        await handler.restart((await parseBody("restart", body)).names),
      );
    case ENDPOINTS.run.path:
      return json(await handler.run(await parseBody("run", body)));
    case ENDPOINTS.reload.path:
      await parseBody("reload", body);
      return json(await handler.reload());
    case ENDPOINTS.http.path:
      await parseBody("http", body);
      return json(await handler.http());
    case ENDPOINTS.cleanup.path:
      return json(
        await handler.cleanup(await parseBody("cleanup", body)),
      );
    case ENDPOINTS.shutdown.path:
      await handler.shutdown(await parseBody("shutdown", body));
      return json({ ok: true } satisfies ShutdownResponse);
  }
  return errorResponse(
    404,
    "USAGE",
    `Cannot POST ${pathname}: no such endpoint`,
  );
}

/** The operations that take a body. */
type PostOperation = {
  [K in Operation]: (typeof ENDPOINTS)[K]["method"] extends "POST" ? K
    : never;
}[Operation];

/** The parsed body of a request to `K`. */
type Body<K extends PostOperation> = z.output<
  NonNullable<(typeof SCHEMAS)[K]["request"]>
>;

/**
 * `body` checked as a request to `op`: a USAGE error when it is not one.
 * The generated JSON Schema checks it when that settles it; otherwise zod,
 * loaded then (a bad body, or one zod must complete), gives the error.
 */
export async function parseBody<K extends PostOperation>(
  op: K,
  body: unknown,
): Promise<Body<K>> {
  const quick = quickParse(ENDPOINTS[op].request as JsonSchema, body);
  if (quick !== undefined) return quick as Body<K>;
  const { ENDPOINTS: schemas } = await lazyImport<
    typeof import("./protocol.ts")
  >(new URL("./protocol.ts", import.meta.url));
  return parseRequest(schemas[op].request, body) as Body<K>;
}

function statusOf(error: TendError): number {
  switch (error.code) {
    case "USAGE":
    case "CONFIG_INVALID":
      return 400;
    case "UNKNOWN_SERVICE":
      return 404;
    case "PORT_IN_USE":
    case "ALREADY_RUNNING":
      return 409;
    default:
      return 500;
  }
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  hint?: string,
): PlainAnswer {
  const body: ErrorBody = { error: { code, message, hint } };
  return { status, body: JSON.stringify(body) };
}

/** A 200 answer with `value` as its JSON body. */
function json(value: unknown): PlainAnswer {
  return { status: 200, body: JSON.stringify(value) };
}
