/**
 * The control API between the CLI and the supervisor: HTTP+JSON over the
 * workspace's unix socket. Every request and response is one zod schema
 * here; the server validates request bodies with them, the client validates
 * the answers, and every TypeScript type of the wire is inferred from them.
 * {@linkcode ENDPOINTS} lists the endpoints, for a router or an OpenAPI
 * generator (`z.toJSONSchema`, which reads the descriptions). The schemas
 * are written by concern in src/ipc/protocol/ and re-exported from here.
 *
 * Each schema is exported under the same name as its type:
 * `StartRequest.parse(body)` and `const body: StartRequest = ...`.
 *
 * Written with `zod/mini`, which costs less to load than classic zod. The
 * CLI checks answers against JSON Schemas generated from these
 * (wire_responses.ts) and loads this module only when one does not settle.
 */
import type * as z from "npm:zod@4.6.7/mini";
import { PingResponse, StatusResponse } from "./protocol/status.ts";
import {
  ActionResponse,
  ReloadRequest,
  ReloadResponse,
  RestartRequest,
  RunRequest,
  StartRequest,
  StopRequest,
} from "./protocol/actions.ts";
import {
  CleanupRequest,
  CleanupResponse,
  HttpRequest,
  HttpResponse,
  ShutdownRequest,
  ShutdownResponse,
} from "./protocol/admin.ts";

export * from "./protocol/status.ts";
export * from "./protocol/actions.ts";
export * from "./protocol/admin.ts";
export * from "./protocol/errors.ts";

/** One endpoint of the control API. */
export interface Endpoint {
  readonly method: "GET" | "POST";
  readonly path: `/v1/${string}`;
  /** Schema of the JSON body; `null` for a GET. */
  readonly request: z.ZodMiniType | null;
  /** Schema of the 2xx answer. */
  readonly response: z.ZodMiniType;
}

/** Every endpoint of the control API, by operation name. */
export const ENDPOINTS = {
  ping: {
    method: "GET",
    path: "/v1/ping",
    request: null,
    response: PingResponse,
  },
  status: {
    method: "GET",
    path: "/v1/status",
    request: null,
    response: StatusResponse,
  },
  start: {
    method: "POST",
    path: "/v1/start",
    request: StartRequest,
    response: ActionResponse,
  },
  stop: {
    method: "POST",
    path: "/v1/stop",
    request: StopRequest,
    response: ActionResponse,
  },
  restart: {
    method: "POST",
    path: "/v1/restart",
    request: RestartRequest,
    response: ActionResponse,
  },
  run: {
    method: "POST",
    path: "/v1/run",
    request: RunRequest,
    response: ActionResponse,
  },
  reload: {
    method: "POST",
    path: "/v1/reload",
    request: ReloadRequest,
    response: ReloadResponse,
  },
  http: {
    method: "POST",
    path: "/v1/http",
    request: HttpRequest,
    response: HttpResponse,
  },
  shutdown: {
    method: "POST",
    path: "/v1/shutdown",
    request: ShutdownRequest,
    response: ShutdownResponse,
  },
  cleanup: {
    method: "POST",
    path: "/v1/cleanup",
    request: CleanupRequest,
    response: CleanupResponse,
  },
} as const satisfies Record<string, Endpoint>;

/** The name of an operation of the control API. */
export type Operation = keyof typeof ENDPOINTS;
