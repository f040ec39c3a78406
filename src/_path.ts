/**
 * POSIX path helpers (tend runs on Linux and macOS). Vendored rather than
 * imported from `node:path` because any `node:` import costs about 11 ms of
 * start-up (node-compat setup), and `tend status` must start fast.
 */

/** Joins segments with `/` and normalises the result. */
export function join(...segments: string[]): string {
  return normalize(segments.filter((s) => s !== "").join("/"));
}

/** `path` made absolute against `from` (or the current directory), normalised. */
export function resolve(...segments: string[]): string {
  let path = "";
  for (let i = segments.length - 1; i >= 0 && !path.startsWith("/"); i--) {
    const segment = segments[i]!;
    if (segment !== "") path = path === "" ? segment : `${segment}/${path}`;
  }
  if (!path.startsWith("/")) path = `${Deno.cwd()}/${path}`;
  return normalize(path);
}

/** The directory part of `path` (`/a/b` → `/a`, `/a` → `/`, `a` → `.`). */
export function dirname(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const slash = trimmed.lastIndexOf("/");
  if (slash === -1) return ".";
  if (slash === 0) return "/";
  return trimmed.slice(0, slash);
}

/** The last part of `path`. */
export function basename(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** The extension of the last part of `path`, with its dot (`""` when none). */
export function extname(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  return dot <= 0 || base === ".." ? "" : base.slice(dot);
}

/** Collapses `//`, `.` and `..` segments. */
export function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out.at(-1) !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  if (absolute) return `/${joined}`;
  return joined === "" ? "." : joined;
}
