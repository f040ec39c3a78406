import assert from "node:assert/strict";
import { listeningInodes } from "../../src/net/_proc_net_tcp.ts";
import { holdPort } from "./_hold_port.ts";

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
/** Rows as the kernel writes them; 0x21C2 = 8642, 0x1F90 = 8080. */
const TCP = HEADER +
  "   0: 00000000:21C2 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 79557 1 0000000000000000 100 0 0 10 0\n" +
  "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 79558 1 0000000000000000 100 0 0 10 0\n" +
  "   2: 0100007F:21C2 0100007F:9A3E 01 00000000:00000000 00:00000000 00000000  1000        0 79559 1 0000000000000000 20 4 30 10 -1\n" +
  "   3: 0100007F:8D2A 0100007F:21C2 06 00000000:00000000 03:00000F9E 00000000     0        0 0 3 0000000000000000\n";
const TCP6 = HEADER +
  "   0: 00000000000000000000000001000000:21C2 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 80001 1 0000000000000000 100 0 0 10 0\n";

Deno.test.each([
  ["a listener on 0.0.0.0", TCP, 8642, ["79557"]],
  ["a listener on 127.0.0.1", TCP, 8080, ["79558"]],
  ["a listener on ::1", TCP6, 8642, ["80001"]],
  ["a port with only connections", TCP, 36138, []],
  ["a port nobody uses", TCP, 9999, []],
  ["an empty table", HEADER, 8642, []],
  ["garbage", "x\n1: zz:zz 0A\n\n", 8642, []],
])("listeningInodes() finds %s", (_, text, port, expected) => {
  assert.deepEqual(listeningInodes(text, port), expected);
});

Deno.test({
  name: "listeningInodes() finds a real listener in /proc/net/tcp",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using hold = await holdPort("127.0.0.1");
    const text = await Deno.readTextFile("/proc/net/tcp");
    assert.equal(listeningInodes(text, hold.port).length, 1);
  },
});
