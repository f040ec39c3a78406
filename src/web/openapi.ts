import type * as z from "npm:zod@4.6.7/mini";
import { toJSONSchema } from "npm:zod@4.6.7/v4/core";
import { VERSION } from "../version.ts";
import {
  ActionResponse,
  ErrorBody,
  LogsResponse,
  ReloadResponse,
  RestartRequest,
  StartRequest,
  StatusResponse,
  StopRequest,
} from "../ipc/protocol.ts";

/** One endpoint of the HTTP API. */
export interface Endpoint {
  /** The HTTP method, lower case as OpenAPI spells it. */
  method: "get" | "post";
  /** The path, with `{name}` for a path parameter. */
  path: string;
  /** One line on what it does. */
  summary: string;
  /** The schema of the JSON body, if it takes one. */
  request?: z.ZodMiniType;
  /** The schema of the JSON answer. */
  response?: z.ZodMiniType;
  /** `text/event-stream` instead of JSON. */
  stream?: boolean;
  /** Query parameters: name → description. */
  query?: Record<string, string>;
}

/** Every endpoint of `/api/v1`: the table behind the OpenAPI document. */
export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: "get",
    path: "/api/v1/status",
    summary: "Every service, with CPU and memory",
    response: StatusResponse,
  },
  {
    method: "post",
    path: "/api/v1/start",
    summary: "Start services (all autostart ones when `names` is empty)",
    request: StartRequest,
    response: ActionResponse,
  },
  {
    method: "post",
    path: "/api/v1/stop",
    summary: "Stop services (all when `names` is empty)",
    request: StopRequest,
    response: ActionResponse,
  },
  {
    method: "post",
    path: "/api/v1/restart",
    summary: "Restart services (all running ones when `names` is empty)",
    request: RestartRequest,
    response: ActionResponse,
  },
  {
    method: "post",
    path: "/api/v1/reload",
    summary: "Re-read tend.toml and apply the difference",
    response: ReloadResponse,
  },
  {
    method: "get",
    path: "/api/v1/logs/{name}",
    summary:
      "The last `lines` lines of a service's log; with `follow=true`, a stream of `log` events",
    response: LogsResponse,
    query: {
      lines: "Lines of backlog, 0 to 10000 (default 100)",
      follow: "true: keep the response open and stream new lines",
    },
  },
  {
    method: "get",
    path: "/api/v1/events",
    summary:
      "Server-sent events: `status` (at most once a second), `log` ({service, lines}), `reload`",
    stream: true,
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document",
  },
];

/** The OpenAPI 3.1 document of the HTTP API, generated from the schemas. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of ENDPOINTS) {
    paths[endpoint.path] ??= {};
    paths[endpoint.path]![endpoint.method] = operation(endpoint);
  }
  return {
    openapi: "3.1.0",
    info: { title: "tend HTTP API", version: VERSION },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        cookie: { type: "apiKey", in: "cookie", name: "tend_token_PORT" },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}

function operation(endpoint: Endpoint): Record<string, unknown> {
  const parameters = [
    ...(endpoint.path.includes("{name}")
      ? [{
        name: "name",
        in: "path",
        required: true,
        schema: { type: "string" },
      }]
      : []),
    ...Object.entries(endpoint.query ?? {}).map(([name, description]) => ({
      name,
      in: "query",
      required: false,
      description,
      schema: { type: "string" },
    })),
  ];
  const ok = endpoint.stream
    ? { "text/event-stream": { schema: { type: "string" } } }
    : endpoint.response
    ? { "application/json": { schema: toJSONSchema(endpoint.response) } }
    : { "application/json": { schema: { type: "object" } } };
  const error = {
    description: "An error: 4xx for bad input, 401/403 for the token",
    content: { "application/json": { schema: toJSONSchema(ErrorBody) } },
  };
  return {
    summary: endpoint.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(endpoint.request
      ? {
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: toJSONSchema(endpoint.request, { io: "input" }),
            },
          },
        },
      }
      : {}),
    responses: { "200": { description: "OK", content: ok }, default: error },
  };
}
