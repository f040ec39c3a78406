import { messageOf, TendError } from "../errors.ts";
import { parseJsonBody, parseRequest } from "./validate.ts";
import {
  type ActionResponse,
  type CleanupRequest,
  type CleanupResponse,
  ENDPOINTS,
  type ErrorBody,
  type HttpResponse,
  type PingResponse,
  type ReloadResponse,
  type RestartRequest,
  type RunRequest,
  type ShutdownRequest,
  type ShutdownResponse,
  type StartRequest,
  type StatusResponse,
  type StopRequest,
} from "./protocol.ts";

/** What the control API can ask of a supervisor. */
export interface ControlHandler {
  ping(): PingResponse;
  status(): StatusResponse | Promise<StatusResponse>;
  start(
    names: StartRequest["names"],
    options: Omit<StartRequest, "names">,
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
      const { names, ...options } = parse(ENDPOINTS.start.request, body);
      return Response.json(await handler.start(names, options));
    }
    case ENDPOINTS.stop.path: {
      const { names, ...options } = parse(ENDPOINTS.stop.request, body);
      return Response.json(await handler.stop(names, options));
    }
    case ENDPOINTS.restart.path:
      return Response.json(
        await handler.restart(parse(ENDPOINTS.restart.request, body).names),
      );
    case ENDPOINTS.run.path:
      return Response.json(
        await handler.run(parse(ENDPOINTS.run.request, body)),
      );
    case ENDPOINTS.reload.path:
      parse(ENDPOINTS.reload.request, body);
      return Response.json(await handler.reload());
    case ENDPOINTS.http.path:
      parse(ENDPOINTS.http.request, body);
      return Response.json(await handler.http());
    case ENDPOINTS.cleanup.path:
      return Response.json(
        await handler.cleanup(parse(ENDPOINTS.cleanup.request, body)),
      );
    case ENDPOINTS.shutdown.path:
      await handler.shutdown(parse(ENDPOINTS.shutdown.request, body));
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

const parse = parseRequest;

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
