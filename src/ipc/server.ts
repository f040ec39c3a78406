import { lazyImport } from "../_lazy.ts";
import { messageOf, TendError } from "../errors.ts";
import { parseJsonBody, parseRequest } from "./validate.ts";
import { LAUNCH_HEADER } from "./_http.ts";
import { type JsonSchema, quickParse } from "./quick_check.ts";
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
): Deno.HttpServer<Deno.UnixAddr> {
  const server = Deno.serve(
    { path, signal: options.signal, onListen() {} },
    (request) => route(request, options.handler),
  );
  Deno.chmodSync(path, 0o600);
  return server;
}

/** Answers one request; exported for tests. */
export async function route(
  request: Request,
  handler: ControlHandler,
): Promise<Response> {
  try {
    const { pathname } = new URL(request.url);
    if (request.method === "GET") {
      if (pathname === ENDPOINTS.ping.path) {
        return Response.json(handler.ping());
      }
      if (pathname === ENDPOINTS.status.path) {
        return Response.json(await handler.status());
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
  request: Request,
  handler: ControlHandler,
): Promise<Response> {
  const body = await readBody(request);
  switch (pathname) {
    case ENDPOINTS.start.path: {
      const { names, ...options } = await parseBody("start", body);
      const launch = request.headers.get(LAUNCH_HEADER) ?? undefined;
      return Response.json(await handler.start(names, options, launch));
    }
    case ENDPOINTS.stop.path: {
      const { names, ...options } = await parseBody("stop", body);
      return Response.json(await handler.stop(names, options));
    }
    case ENDPOINTS.restart.path:
      return Response.json(
        await handler.restart((await parseBody("restart", body)).names),
      );
    case ENDPOINTS.run.path:
      return Response.json(await handler.run(await parseBody("run", body)));
    case ENDPOINTS.reload.path:
      await parseBody("reload", body);
      return Response.json(await handler.reload());
    case ENDPOINTS.http.path:
      await parseBody("http", body);
      return Response.json(await handler.http());
    case ENDPOINTS.cleanup.path:
      return Response.json(
        await handler.cleanup(await parseBody("cleanup", body)),
      );
    case ENDPOINTS.shutdown.path:
      await handler.shutdown(await parseBody("shutdown", body));
      return Response.json({ ok: true } satisfies ShutdownResponse);
  }
  return errorResponse(
    404,
    "USAGE",
    `Cannot POST ${pathname}: no such endpoint`,
  );
}

/** The request body as JSON; a blank body is `{}`. */
async function readBody(request: Request): Promise<unknown> {
  return parseJsonBody(await request.text());
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
 * The body of a request to `op`, checked against the endpoint's schema: by
 * the generated JSON Schema when it settles the body, otherwise by zod,
 * loaded then (a bad body, or one zod must complete), which gives the error.
 */
/** `body` checked as a request to `op`: a USAGE error when it is not one. */
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
): Response {
  const body: ErrorBody = { error: { code, message, hint } };
  return Response.json(body, { status });
}
