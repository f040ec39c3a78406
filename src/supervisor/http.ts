import { lazyImport } from "../_lazy.ts";
import { DEFAULT_HTTP_ADDRESS } from "../config/http_default.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import type { HttpResponse } from "../ipc/protocol.ts";
import type { ControlHandler } from "../ipc/server.ts";
import type { HttpListener } from "../web/server.ts";
import { recordHttpUrl } from "../workspace/descriptor.ts";
import type { Log } from "./log.ts";
import type { Supervisor } from "./supervisor.ts";

/** The supervisor's HTTP API: started from the config or on demand. */
export interface HttpService extends AsyncDisposable {
  /** Listens when it does not yet; its URL and token. */
  ensure(): Promise<HttpResponse>;
}

/**
 * The service that starts the HTTP listener with `token` (the caller wrote
 * it to `.tend/run/http.token`, rotated at each supervisor start): at the
 * configured `[daemon] http` address, or, on demand without one, at
 * 127.0.0.1:8644 or any free port when that one is taken. The web code is
 * loaded only then.
 */
export function httpService(
  paths: WorkspacePaths,
  options: {
    token: string;
    supervisor: Supervisor;
    control: () => ControlHandler;
    log: Log;
  },
): HttpService {
  const { token } = options;
  let listener: Promise<HttpListener> | null = null;
  const listen = async (): Promise<HttpListener> => {
    const { listenHttp } = await lazyImport<typeof import("../web/server.ts")>(
      new URL("../web/server.ts", import.meta.url),
    );
    const { daemon } = options.supervisor.config;
    const source = {
      control: options.control(),
      logFiles: () =>
        new Map(
          options.supervisor.config.services.map((s) => [s.name, s.logFile]),
        ),
    };
    const listenAt = (address: { hostname: string; port: number }) =>
      listenHttp(address, {
        source,
        token,
        allowRemote: daemon.httpAllowRemote,
      });
    let http: HttpListener;
    if (daemon.http !== null) {
      http = listenAt(daemon.http);
    } else {
      try {
        http = listenAt(DEFAULT_HTTP_ADDRESS);
      } catch (error) {
        if (!(error instanceof TendError) || error.code !== "PORT_IN_USE") {
          throw error;
        }
        http = listenAt({ ...DEFAULT_HTTP_ADDRESS, port: 0 });
      }
    }
    await recordHttpUrl(paths, http.url);
    options.log.info("dashboard and HTTP API at {url}", { url: http.url });
    return http;
  };
  return {
    async ensure() {
      listener ??= listen();
      try {
        return { url: (await listener).url, token };
      } catch (error) {
        listener = null;
        throw error;
      }
    },
    async [Symbol.asyncDispose]() {
      const http = await listener?.catch(() => null);
      await http?.close();
    },
  };
}
