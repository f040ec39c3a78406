import assert from "node:assert/strict";
import { shareNodes } from "../../scripts/_wire/shared_nodes.ts";

/** Evaluates the declarations and `expression` as a module would. */
function evaluate(declarations: string[], expression: string): unknown {
  const body = declarations.map((line) => line.replace(/ as const;$/, ";"))
    .join("\n");
  return new Function(`${body}\nreturn ${expression};`)();
}

Deno.test("shareNodes() writes a node met twice once, and the text reads back the same values", () => {
  const service = {
    type: "object",
    properties: {
      name: { type: "string" },
      pid: { type: ["integer", "null"] },
    },
    required: ["name", "pid"],
    description: "long enough to be worth sharing, once padded like this one",
  };
  const roots = [
    {
      type: "object",
      properties: { services: { type: "array", items: service } },
    },
    { type: "object", properties: { service } },
    { type: "string", maxLength: 10 },
  ];
  const shared = shareNodes(roots);
  const texts = roots.map((root) => shared.write(root));
  assert.equal(shared.declarations.length, 1);
  assert.match(shared.declarations[0]!, /^const W0 = \{/);
  assert.ok(texts[0]!.includes("W0") && texts[1]!.includes("W0"));
  assert.ok(!texts[2]!.includes("W0"));
  for (const [i, text] of texts.entries()) {
    assert.deepEqual(evaluate(shared.declarations, text), roots[i]);
  }
});
