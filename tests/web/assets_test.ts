import assert from "node:assert/strict";
import { Assets } from "../../src/web/assets.ts";

/** The README promises a page under this many compressed bytes. */
const PAGE_WEIGHT_MAX_BYTES = 150 * 1024;

Deno.test("Assets weigh less than 150 KB gzipped, all of them together", async () => {
  const { raw, gzip } = await new Assets().sizes();
  assert.ok(gzip < PAGE_WEIGHT_MAX_BYTES, `${gzip} bytes gzipped`);
  assert.ok(raw > gzip);
});

Deno.test("Assets serve every file index.html loads, and nothing from elsewhere", async () => {
  const assets = new Assets();
  const page = await (await assets.response("index.html", {
    acceptEncoding: null,
  })).text();
  const refs = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length >= 5);
  for (const ref of refs) {
    if (ref === "data:,") continue;
    assert.match(ref, /^\/assets\//, `${ref} is not served by tend`);
    const name = ref.slice("/assets/".length);
    assert.ok(assets.has(name), name);
    const response = await assets.response(name, { acceptEncoding: "gzip" });
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.ok((await response.arrayBuffer()).byteLength > 0);
  }
  assert.ok(!assets.has("../server.ts"));
});
