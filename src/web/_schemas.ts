/**
 * TEMPORARY: zod schemas of the HTTP API, written from today's
 * `src/ipc/protocol.ts` types for the OpenAPI document and for body
 * validation. When protocol.ts becomes zod schemas, import those instead and
 * delete this file (only `_body.ts` and `openapi.ts` import it).
 */
import { z } from "zod";

/** The states a service can be in. */
export const ServiceStatus = z.enum([
  "starting",
  "running",
  "stopping",
  "stopped",
  "backoff",
  "failed",
  "stale",
  "completed",
]);

/** How a service last ended. */
export const LastExit = z.object({
  code: z.int().nullable(),
  signal: z.string().nullable(),
  at: z.string(),
});

/** One service as `status` shows it. */
export const ServiceView = z.object({
  name: z.string(),
  status: ServiceStatus,
  pid: z.int().nullable(),
  port: z.int().nullable(),
  startedAt: z.string().nullable(),
  restarts: z.int(),
  lastExit: LastExit.nullable(),
  nextRestartAt: z.string().nullable(),
  reason: z.string().nullable(),
  uptimeSeconds: z.number().nullable(),
  cpuPercent: z.number().nullable(),
  rssBytes: z.int().nullable(),
});

/** `GET /api/v1/status` */
export const StatusResponse = z.object({
  workspace: z.string(),
  supervisor: z.object({
    status: z.enum(["running", "stopped", "stale"]),
    pid: z.int().nullable(),
    startedAt: z.string().nullable(),
    version: z.string().nullable(),
  }),
  services: z.array(ServiceView),
});

/** A service name as a request may carry it. */
const Name = z.string().min(1).max(200);

/** `POST /api/v1/stop`, `/restart`: the services (all when empty). */
export const NamesRequest = z.strictObject({
  names: z.array(Name).max(1_000).default([]),
});

/** `start` answers once every service is ready unless told otherwise. */
const WAIT_BY_DEFAULT = true;

/** `POST /api/v1/start`. */
export const StartRequest = z.strictObject({
  names: z.array(Name).max(1_000).default([]),
  /** Answer when every service is ready (the default) or at once. */
  wait: z.boolean().default(WAIT_BY_DEFAULT),
});

/** Response of start, stop and restart. */
export const ActionResponse = z.object({
  results: z.array(z.object({
    name: z.string(),
    action: z.enum([
      "started",
      "already-running",
      "stopped",
      "already-stopped",
      "restarted",
    ]),
    service: ServiceView,
  })),
});

/** `POST /api/v1/reload` */
export const ReloadResponse = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  unchanged: z.array(z.string()),
});

/** `GET /api/v1/logs/{name}` */
export const LogsResponse = z.object({
  service: z.string(),
  lines: z.array(z.string()),
});

/** Body of every non-2xx response. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
  }),
});
