import assert from "node:assert/strict";
import { toYaml, type YamlValue } from "../../src/export/yaml.ts";

Deno.test("toYaml() quotes every string and writes block collections", async (t) => {
  const cases: [string, YamlValue, string][] = [
    [
      "a map of scalars",
      { a: "x", b: 1, c: true, d: null },
      [
        'a: "x"',
        "b: 1",
        "c: true",
        "d: null",
      ].join("\n"),
    ],
    [
      "strings that look like other types stay strings",
      {
        v: ["yes", "1.0", "null", "~", "0x10", "8080:8080", "- item", "#x"],
      },
      [
        "v:",
        '  - "yes"',
        '  - "1.0"',
        '  - "null"',
        '  - "~"',
        '  - "0x10"',
        '  - "8080:8080"',
        '  - "- item"',
        '  - "#x"',
      ].join("\n"),
    ],
    [
      "quotes, backslashes and newlines",
      { s: 'a "b" \\ c\nd' },
      String
        .raw`s: "a \"b\" \\ c\nd"`,
    ],
    [
      "characters YAML readers refuse",
      { s: "\x7f\u2028\ufeff" },
      String
        .raw`s: "\u007f\u2028\ufeff"`,
    ],
    [
      "keys that need quotes",
      { "yes": 1, "a b": 2, "-x": 3, "8080": 4 },
      [
        // An integer-like key comes first in a JS object.
        '"8080": 4',
        '"yes": 1',
        '"a b": 2',
        '"-x": 3',
      ].join("\n"),
    ],
    [
      "nested maps and lists of maps",
      { s: { web: { ports: [{ p: 1 }] } } },
      [
        "s:",
        "  web:",
        "    ports:",
        "      -",
        "        p: 1",
      ].join("\n"),
    ],
    ["empty collections and undefined entries", {
      a: [],
      b: {},
      c: undefined,
    }, ["a: []", "b: {}"].join("\n")],
  ];
  for (const [label, value, expected] of cases) {
    await t.step(label, () => {
      assert.equal(toYaml(value), `${expected}\n`);
    });
  }
});

Deno.test("toYaml() refuses a number YAML cannot hold", () => {
  assert.throws(() => toYaml({ n: Number.NaN }), RangeError);
});
