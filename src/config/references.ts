/**
 * References between services: `{port}` (the service's own granted port),
 * `{services.NAME.port}` and `{services.NAME.host}` (another service's),
 * in `args`, `env` and `ready`. Pure: the values come from the caller.
 */

/** `{services.NAME.port}` or `{services.NAME.host}`; NAME may be `web.1`. */
const REFERENCE_PATTERN = /\{services\.([^{}]*?)\.(port|host)\}/g;

/** The host a service is reached at: tend's services listen locally. */
export const SERVICE_HOST = "127.0.0.1";

/** One `{services.NAME.FIELD}` found in a text. */
export interface Reference {
  /** The service (or instance) name as written. */
  name: string;
  field: "port" | "host";
  /** The whole placeholder, braces included. */
  text: string;
}

/** Every `{services.NAME.FIELD}` in `text`, in order. */
export function findReferences(text: string): Reference[] {
  return [...text.matchAll(REFERENCE_PATTERN)].map((match) => ({
    name: match[1] ?? "",
    field: match[2] === "host" ? "host" : "port",
    text: match[0],
  }));
}

/** What the placeholders of one launch stand for. */
export interface ReferenceValues {
  /** The service's own granted port, or `null` when it has none. */
  port: number | null;
  /** The port of every service that has one, by instance name. */
  ports: ReadonlyMap<string, number>;
}

/**
 * Replaces `{port}` and every `{services.NAME.port|host}` whose service has
 * a port; anything else is left as written (the config check rejects it).
 *
 * @example
 * ```ts
 * fillReferences("redis://{services.db.host}:{services.db.port}", {
 *   port: null,
 *   ports: new Map([["db", 6391]]),
 * }); // "redis://127.0.0.1:6391"
 * ```
 */
export function fillReferences(text: string, values: ReferenceValues): string {
  const own = values.port === null
    ? text
    : text.replaceAll("{port}", String(values.port));
  return own.replace(REFERENCE_PATTERN, (whole, name: string, field) => {
    const port = values.ports.get(name);
    if (port === undefined) return whole;
    return field === "host" ? SERVICE_HOST : String(port);
  });
}

/**
 * Stand-in values for the placeholders, for checking the shape of a text
 * (a URL, a `host:port`) before any port is known.
 */
export function maskReferences(text: string): string {
  return text.replace(
    REFERENCE_PATTERN,
    (_whole, _name, field) => field === "host" ? "localhost" : "1",
  ).replaceAll("{port}", "1");
}

/**
 * `TEND_<NAME>_PORT` for every service with a port: the name upper-cased,
 * anything but letters and digits turned into `_` (`web.1` → `TEND_WEB_1_PORT`).
 */
export function portEnvironment(
  ports: ReadonlyMap<string, number>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, port] of ports) env[portVariable(name)] = String(port);
  return env;
}

/** The variable that carries the port of service `name`. */
export function portVariable(name: string): string {
  return `TEND_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PORT`;
}

/** The names a service refers to in `texts`, without repeats. */
export function referencedNames(texts: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const reference of findReferences(text)) names.add(reference.name);
  }
  return [...names];
}
