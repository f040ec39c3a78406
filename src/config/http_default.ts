/**
 * Where the dashboard and HTTP API listen by default. Its own module, free
 * of the config validator, so that the supervisor can read it without
 * loading zod.
 */
export const DEFAULT_HTTP_ADDRESS = { hostname: "127.0.0.1", port: 8644 };
