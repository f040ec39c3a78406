/** The dashboard's files: name → content type. Nothing else is served. */
const ASSETS: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
  "ansi.js": "text/javascript; charset=utf-8",
  "vendor/uPlot.iife.min.js": "text/javascript; charset=utf-8",
  "vendor/uPlot.min.css": "text/css; charset=utf-8",
};

/** One asset, read and compressed once. */
interface Asset {
  type: string;
  raw: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

/**
 * The dashboard's assets, read from `src/web/assets/` next to this module
 * (embedded in a compiled tend with `--include src/web/assets`), gzipped
 * once on first use.
 */
export class Assets {
  #cache = new Map<string, Promise<Asset>>();

  /** Whether `name` is an asset. */
  has(name: string): boolean {
    return Object.hasOwn(ASSETS, name);
  }

  /** The response for asset `name`, gzipped when the client accepts it. */
  async response(
    name: string,
    options: { acceptEncoding: string | null },
  ): Promise<Response> {
    const asset = await this.#load(name);
    const gzip = /\bgzip\b/.test(options.acceptEncoding ?? "");
    const headers: Record<string, string> = {
      "content-type": asset.type,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "vary": "accept-encoding",
    };
    if (name === "index.html") {
      headers["content-security-policy"] =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
      headers["referrer-policy"] = "no-referrer";
    }
    if (gzip) headers["content-encoding"] = "gzip";
    return new Response(gzip ? asset.gzip : asset.raw, { headers });
  }

  /** The size of every asset, raw and gzipped (for the README and tests). */
  async sizes(): Promise<{ raw: number; gzip: number }> {
    let raw = 0;
    let gzip = 0;
    for (const name of Object.keys(ASSETS)) {
      const asset = await this.#load(name);
      raw += asset.raw.length;
      gzip += asset.gzip.length;
    }
    return { raw, gzip };
  }

  #load(name: string): Promise<Asset> {
    let asset = this.#cache.get(name);
    if (asset === undefined) {
      asset = readAsset(name);
      this.#cache.set(name, asset);
      asset.catch(() => this.#cache.delete(name));
    }
    return asset;
  }
}

async function readAsset(name: string): Promise<Asset> {
  const type = ASSETS[name];
  if (type === undefined) throw new TypeError(`Unknown asset "${name}"`);
  const raw = await Deno.readFile(new URL(`./assets/${name}`, import.meta.url));
  const gzip = new Uint8Array(
    await new Response(
      new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  return { type, raw, gzip };
}
