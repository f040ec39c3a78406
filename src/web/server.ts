import { messageOf, TendError } from "../errors.ts";
import { isLoopback } from "../config/_rules.ts";
import { hostsOf } from "./_guard.ts";
import { createApp } from "./api.ts";
import { Assets } from "./assets.ts";
import { EventHub, type WebSource } from "./hub.ts";

/** A running HTTP listener. */
export interface HttpListener {
  /** `http://host:port`, without the token. */
  readonly url: string;
  /** The hub of its event streams (for tests and figures). */
  readonly hub: EventHub;
  /** Stops listening, ends every stream, and waits. */
  close(): Promise<void>;
}

/** Options of {@linkcode listenHttp}. */
export interface ListenHttpOptions {
  source: WebSource;
  token: string;
  /** Allow an address other than loopback. @default {false} */
  allowRemote?: boolean;
}

/**
 * Serves the HTTP API and the dashboard at `address` (port 0: any free
 * port). An address other than loopback is refused (`CONFIG_INVALID`)
 * unless `allowRemote`; a port in use is `PORT_IN_USE`. Requires net
 * permission, and read permission on `src/web/assets`.
 */
export function listenHttp(
  address: { hostname: string; port: number },
  options: ListenHttpOptions,
): HttpListener {
  if (!isLoopback(address.hostname) && options.allowRemote !== true) {
    throw new TendError(
      "CONFIG_INVALID",
      `Cannot serve the dashboard on "${address.hostname}": only a loopback address is allowed`,
      { hint: "Set http_allow_remote = true in [daemon] to serve other hosts" },
    );
  }
  const hub = new EventHub(options.source);
  const abort = new AbortController();
  const guard = {
    token: options.token,
    hosts: new Set<string>(),
    anyIpHost: options.allowRemote === true,
    cookieName: "tend_token",
  };
  const app = createApp({
    source: options.source,
    hub,
    assets: new Assets(),
    guard,
  });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: address.hostname,
      port: address.port,
      signal: abort.signal,
      onListen() {},
    }, app.fetch);
  } catch (error) {
    throw bindError(address, error);
  }
  const port = server.addr.port;
  guard.hosts = hostsOf(address.hostname, port);
  guard.cookieName = `tend_token_${port}`;
  return {
    url: `http://${urlHost(address.hostname)}:${port}`,
    hub,
    async close() {
      hub.close();
      abort.abort();
      await server.finished;
    },
  };
}

function urlHost(hostname: string): string {
  if (hostname === "0.0.0.0") return "127.0.0.1";
  if (hostname === "::") return "[::1]";
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

function bindError(
  address: { hostname: string; port: number },
  error: unknown,
): TendError {
  const where = `${urlHost(address.hostname)}:${address.port}`;
  if (error instanceof Deno.errors.AddrInUse) {
    return new TendError(
      "PORT_IN_USE",
      `Cannot serve the dashboard on ${where}: the port is in use`,
      { cause: error },
    );
  }
  return new TendError(
    "CONFIG_INVALID",
    `Cannot serve the dashboard on ${where}: ${messageOf(error)}`,
    { cause: error },
  );
}
