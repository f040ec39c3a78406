/** The `st` value of a listening socket in `/proc/net/tcp` (TCP_LISTEN). */
const LISTEN_STATE = "0A";
/** Column indexes of a `/proc/net/tcp{,6}` row split on whitespace. */
const LOCAL_ADDRESS_COLUMN = 1;
const STATE_COLUMN = 3;
const INODE_COLUMN = 9;

/**
 * Returns the socket inodes of the listening sockets on local port `port` in
 * the text of `/proc/net/tcp` or `/proc/net/tcp6` (any local address).
 *
 * @example
 * ```ts
 * import { listeningInodes } from "./_proc_net_tcp.ts";
 * listeningInodes(await Deno.readTextFile("/proc/net/tcp"), 8642); // ["79557"]
 * ```
 */
export function listeningInodes(text: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of text.split("\n").slice(1)) {
    const columns = line.trim().split(/\s+/);
    const local = columns[LOCAL_ADDRESS_COLUMN] ?? "";
    const portHex = local.slice(local.lastIndexOf(":") + 1);
    const inode = columns[INODE_COLUMN] ?? "0";
    if (
      columns[STATE_COLUMN] === LISTEN_STATE &&
      /^[0-9A-F]{4}$/i.test(portHex) &&
      parseInt(portHex, 16) === port && /^[1-9]\d*$/.test(inode)
    ) {
      inodes.push(inode);
    }
  }
  return inodes;
}
