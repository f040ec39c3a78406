import { sameToken } from "./token.ts";

/** What the guard checks requests against. */
export interface GuardOptions {
  /** The token every request must carry. */
  token: string;
  /** `Host` headers accepted, lower case (`127.0.0.1:8644`, `localhost`…). */
  hosts: ReadonlySet<string>;
  /**
   * Accept any `Host` that is an IP address (serving other hosts, where the
   * address they use is not known). A name is still refused: DNS rebinding
   * needs one.
   */
  anyIpHost: boolean;
  /** The name of the cookie that carries the token. */
  cookieName: string;
}

/** The guard's decision on one request. */
export type Verdict =
  | { kind: "pass" }
  | { kind: "deny"; status: 401 | 403; message: string }
  | { kind: "redirect"; location: string; cookie: string };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Decides whether a request may go on: its `Host` must be ours (against DNS
 * rebinding), a state-changing request must come from our own origin, and
 * every request must carry the token (bearer header or cookie). A page
 * loaded with `?token=` gets the cookie and is redirected without it.
 */
export function judge(request: Request, options: GuardOptions): Verdict {
  const host = (request.headers.get("host") ?? "").toLowerCase();
  if (!hostAllowed(host, options)) {
    return deny(403, `the Host "${host}" is not this server's address`);
  }
  if (!SAFE_METHODS.has(request.method) && !sameOrigin(request, host)) {
    return deny(403, "the request comes from another site");
  }
  const url = new URL(request.url);
  const query = url.searchParams.get("token");
  if (query !== null && request.method === "GET") {
    if (!sameToken(query, options.token)) {
      return deny(401, "the token is wrong");
    }
    url.searchParams.delete("token");
    return {
      kind: "redirect",
      location: url.pathname + url.search,
      cookie: `${options.cookieName}=${options.token}; HttpOnly; ` +
        "SameSite=Strict; Path=/",
    };
  }
  const given = bearer(request) ?? cookie(request, options.cookieName);
  if (given === null) return deny(401, "no token was given");
  if (!sameToken(given, options.token)) return deny(401, "the token is wrong");
  return { kind: "pass" };
}

/** The `Host` values a server bound to `hostname:port` answers to. */
export function hostsOf(hostname: string, port: number): Set<string> {
  const bound = hostname.includes(":") ? `[${hostname}]` : hostname;
  return new Set(
    [`${bound}:${port}`, `localhost:${port}`, "localhost"].map((h) =>
      h.toLowerCase()
    ),
  );
}

function hostAllowed(host: string, options: GuardOptions): boolean {
  if (options.hosts.has(host)) return true;
  if (!options.anyIpHost) return false;
  const name = host.replace(/:\d{1,5}$/, "");
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name);
}

function sameOrigin(request: Request, host: string): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return false;
  const origin = request.headers.get("origin");
  // Clients other than browsers send no Origin; they need the token anyway.
  return origin === null || origin.toLowerCase() === `http://${host}`;
}

function bearer(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header === null ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

function cookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === name && value !== undefined) return value;
  }
  return null;
}

function deny(status: 401 | 403, reason: string): Verdict {
  return {
    kind: "deny",
    status,
    message: `Cannot serve the request: ${reason}`,
  };
}
