import { TendError } from "../errors.ts";
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

/** What the control API can ask of a supervisor. */
export interface ControlHandler {
  ping(): PingResponse;
  status(): StatusResponse | Promise<StatusResponse>;
  start(names: string[], options: { wait: boolean }): Promise<ActionResponse>;
  stop(names: string[]): Promise<ActionResponse>;
  restart(names: string[]): Promise<ActionResponse>;
  reload(): Promise<ReloadResponse>;
  shutdown(options: { stopServices: boolean }): Promise<void>;
  cleanup(options: { dryRun: boolean }): Promise<CleanupResponse>;
  /** Starts the HTTP API and dashboard when it does not listen yet. */
  http(): Promise<HttpResponse>;
}

/** Most names one request may carry. */
const MAX_NAMES = 1_000;
/** Largest request body accepted. */
const MAX_BODY_BYTES = 64 * 1024;

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
      if (pathname === API.ping) return Response.json(handler.ping());
      if (pathname === API.status) return Response.json(await handler.status());
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
    const message = error instanceof Error ? error.message : String(error);
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
    case API.start:
      return Response.json(
        await handler.start(names(body), { wait: body.wait !== false }),
      );
    case API.stop:
      return Response.json(await handler.stop(names(body)));
    case API.restart:
      return Response.json(await handler.restart(names(body)));
    case API.reload:
      return Response.json(await handler.reload());
    case API.cleanup:
      return Response.json(
        await handler.cleanup({ dryRun: body.dryRun === true }),
      );
    case API.http:
      return Response.json(await handler.http());
    case API.shutdown: {
      const stopServices =
        (body as { stopServices?: unknown }).stopServices === true;
      await handler.shutdown({ stopServices });
      return Response.json({ ok: true });
    }
  }
  return errorResponse(
    404,
    "USAGE",
    `Cannot POST ${pathname}: no such endpoint`,
  );
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw badRequest("the body is too large");
  if (text.trim() === "") return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw badRequest("the body is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw badRequest("the body is not a JSON object");
  }
  return data as Record<string, unknown>;
}

function names(body: Record<string, unknown>): string[] {
  const value = body.names ?? [];
  if (
    !Array.isArray(value) || value.length > MAX_NAMES ||
    !value.every((name) => typeof name === "string" && name.length <= 200)
  ) {
    throw badRequest('"names" must be a list of service names');
  }
  return value;
}

function badRequest(reason: string): TendError {
  return new TendError("USAGE", `Cannot read the request: ${reason}`);
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
