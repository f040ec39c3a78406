import type { ServiceConfig } from "./schema.ts";

/**
 * What a service's readiness waits for, in words (`http://127.0.0.1:8080/
 * to answer 2xx`, `port 5432 to accept connections`), with `{port}` filled
 * in when the port is known. For spinners and readiness timeouts.
 */
export function describeReady(
  service: Pick<ServiceConfig, "ready" | "minReadyMs">,
  port: number | null,
): string {
  const fill = (text: string) =>
    port === null ? text : text.replaceAll("{port}", String(port));
  // A partial config (a test's) may leave the check out: none.
  const check = service.ready ?? null;
  if (check === null) {
    return `it to stay up for min_ready (${service.minReadyMs / 1000} s)`;
  }
  switch (check.kind) {
    case "tcp":
      return `${tcpTarget(fill(check.target))} to accept connections`;
    case "http":
      return `${fill(check.url)} to answer 2xx`;
    case "log":
      return `a log line matching /${check.pattern}/`;
    case "command":
      return `"${fill(check.command)}" to succeed`;
  }
}

/** `"8080"` → `port 8080`; `"db:5432"` → `db:5432`. */
function tcpTarget(target: string): string {
  return target.includes(":") ? target : `port ${target}`;
}
