/** Whether this machine can listen on `hostname` (e.g. `::1` without IPv6). */
export function canListenOn(hostname: string): boolean {
  try {
    Deno.listen({ hostname, port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

/** Every local address a holder may bind, each with whether it works here. */
export const HOSTS: readonly { hostname: string; supported: boolean }[] = [
  "127.0.0.1",
  "127.0.0.2",
  "0.0.0.0",
  "::",
  "::1",
].map((hostname) => ({ hostname, supported: canListenOn(hostname) }));
