import { Hono } from "npm:hono@4.13.19";
import type { Context } from "npm:hono@4.13.19";
import { messageOf, TendError } from "../errors.ts";
import { readBacklog } from "../logs/backlog.ts";
import {
  emptyBody,
  followParam,
  linesParam,
  MAX_BODY_BYTES,
  restartBody,
  startBody,
  stopBody,
} from "./_body.ts";
import { type GuardOptions, judge } from "./_guard.ts";
import type { Assets } from "./assets.ts";
import type { EventHub, WebSource } from "./hub.ts";
import { openApiDocument } from "./openapi.ts";
import { eventStream } from "./sse.ts";

/** What the HTTP app is built from. */
export interface ApiOptions {
  source: WebSource;
  hub: EventHub;
  assets: Assets;
  guard: GuardOptions;
}

/**
 * The HTTP API (`/api/v1/...`) and the dashboard. Every request passes the
 * guard first; every action calls the supervisor's control handler.
 */
export function createApp(options: ApiOptions): Hono {
  const { source, hub, assets } = options;
  const control = source.control;
  const app = new Hono();
  app.use(async (c, next) => {
    const verdict = judge(c.req.raw, options.guard);
    if (verdict.kind === "deny") {
      return errorJson(c, verdict.status, "PERMISSION_DENIED", verdict.message);
    }
    if (verdict.kind === "redirect") {
      return new Response(null, {
        status: 303,
        headers: { location: verdict.location, "set-cookie": verdict.cookie },
      });
    }
    await next();
  });
  app.get("/api/v1/status", async (c) => c.json(await control.status()));
  app.post("/api/v1/start", async (c) => {
    const { names, wait } = startBody(await bodyText(c));
    return c.json(await control.start(names, { wait }));
  });
  app.post("/api/v1/stop", async (c) => {
    const { names, ...options } = stopBody(await bodyText(c));
    return c.json(await control.stop(names, options));
  });
  app.post("/api/v1/restart", async (c) => {
    return c.json(await control.restart(restartBody(await bodyText(c)).names));
  });
  app.post("/api/v1/reload", async (c) => {
    emptyBody(await bodyText(c));
    try {
      const result = await control.reload();
      hub.publish({ type: "reload", data: { ok: true, result } });
      return c.json(result);
    } catch (error) {
      if (error instanceof TendError) {
        hub.publish({
          type: "reload",
          data: {
            ok: false,
            error: { code: error.code, message: error.message },
          },
        });
      }
      throw error;
    }
  });
  app.get("/api/v1/logs/:name", async (c) => {
    const name = c.req.param("name");
    const lines = linesParam(c.req.query("lines"));
    const follow = followParam(c.req.query("follow"));
    const file = source.logFiles().get(name);
    if (file === undefined) throw unknownService(name);
    const backlog = await readBacklog(file, { lines });
    if (!follow) return c.json({ service: name, lines: backlog.lines });
    return eventStream(hub, {
      first: [{ type: "log", data: { service: name, lines: backlog.lines } }],
      filter: (event) => event.type === "log" && event.data.service === name,
    });
  });
  app.get("/api/v1/events", async () => {
    const status = await control.status();
    return eventStream(hub, { first: [{ type: "status", data: status }] });
  });
  app.get("/api/v1/openapi.json", (c) => c.json(openApiDocument()));
  app.get("/", (c) => serveAsset(c, assets, "index.html"));
  app.get("/assets/*", (c) => {
    const name = c.req.path.slice("/assets/".length);
    if (!assets.has(name)) return notFound(c);
    return serveAsset(c, assets, name);
  });
  app.notFound(notFound);
  app.onError((error, c) => {
    if (error instanceof TendError) {
      return errorJson(c, statusOf(error), error.code, error.message);
    }
    const message = messageOf(error);
    return errorJson(
      c,
      500,
      "INTERNAL",
      `Cannot complete the request: ${message}`,
    );
  });
  return app;
}

async function bodyText(c: Context): Promise<string> {
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) {
    throw new TendError(
      "USAGE",
      "Cannot read the request: the body is too large",
    );
  }
  return await c.req.text();
}

function serveAsset(
  c: Context,
  assets: Assets,
  name: string,
): Promise<Response> {
  return assets.response(name, {
    acceptEncoding: c.req.header("accept-encoding") ?? null,
  });
}

function notFound(c: Context): Response {
  return errorJson(
    c,
    404,
    "USAGE",
    `Cannot ${c.req.method} ${c.req.path}: no such endpoint`,
  );
}

function unknownService(name: string): TendError {
  return new TendError("UNKNOWN_SERVICE", `Cannot find service "${name}"`);
}

function errorJson(
  c: Context,
  status: number,
  code: string,
  message: string,
): Response {
  return c.json({ error: { code, message } }, status as 400);
}

/** The HTTP status of a {@linkcode TendError}. */
export function statusOf(error: TendError): number {
  switch (error.code) {
    case "USAGE":
    case "CONFIG_INVALID":
      return 400;
    case "PERMISSION_DENIED":
      return 403;
    case "UNKNOWN_SERVICE":
      return 404;
    case "PORT_IN_USE":
    case "ALREADY_RUNNING":
    case "NOT_RUNNING":
    case "START_FAILED":
    case "STOP_FAILED":
      return 409;
    case "LOCK_FAILED":
      return 503;
    default:
      return 500;
  }
}
