/**
 * A small parser of XML property lists, enough to check that tend's launchd
 * agents are well-formed (every tag closed in order, entities known) and to
 * read their values where `plutil -lint` is unavailable (Linux).
 */

/** A plist value. */
export type PlistValue =
  | string
  | number
  | boolean
  | PlistValue[]
  | { [key: string]: PlistValue };

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** Parses the `<plist>` document `text`; throws `SyntaxError` when malformed. */
export function parsePlist(text: string): PlistValue {
  const body = text
    .replace(/^<\?xml[^?]*\?>/, "")
    .replace(/<!DOCTYPE[^>]*>/, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  const tokens = body.match(/<[^>]*>|[^<]+/g) ?? [];
  let at = 0;
  const next = () => tokens[at++]?.trim() ?? "";
  const skipBlank = () => {
    while (at < tokens.length && tokens[at]!.trim() === "") at++;
  };
  const expect = (tag: string) => {
    skipBlank();
    const got = next();
    if (got !== tag) throw new SyntaxError(`expected ${tag}, got ${got}`);
  };
  const textUntil = (close: string) => {
    let out = "";
    while (tokens[at] !== undefined && !tokens[at]!.startsWith("<")) {
      out += tokens[at++];
    }
    expect(close);
    return out.replace(/&(\w+);/g, (_, name: string) => {
      const value = ENTITIES[name];
      if (value === undefined) throw new SyntaxError(`unknown &${name};`);
      return value;
    });
  };
  const value = (): PlistValue => {
    skipBlank();
    const open = next();
    if (open === "<string>") return textUntil("</string>");
    if (open === "<integer>") return Number(textUntil("</integer>"));
    if (open === "<true/>" || open === "<false/>") return open === "<true/>";
    if (open === "<array>") {
      const items: PlistValue[] = [];
      while ((skipBlank(), tokens[at]?.trim()) !== "</array>") {
        if (at >= tokens.length) throw new SyntaxError("unclosed <array>");
        items.push(value());
      }
      return next(), items;
    }
    if (open === "<dict>") {
      const dict: Record<string, PlistValue> = {};
      while ((skipBlank(), tokens[at]?.trim()) !== "</dict>") {
        if (at >= tokens.length) throw new SyntaxError("unclosed <dict>");
        expect("<key>");
        const key = textUntil("</key>");
        dict[key] = value();
      }
      return next(), dict;
    }
    throw new SyntaxError(`unexpected ${open}`);
  };
  expect('<plist version="1.0">');
  const root = value();
  expect("</plist>");
  skipBlank();
  if (at < tokens.length) throw new SyntaxError("text after </plist>");
  return root;
}
