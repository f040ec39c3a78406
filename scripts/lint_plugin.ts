/**
 * tend's own lint rules: only `main.ts` may exit the process, and only
 * `src/output/` (plus scripts and tests, which are programs of their own) may
 * print with `console`.
 */
const plugin: Deno.lint.Plugin = {
  name: "tend",
  rules: {
    "no-exit-outside-main": {
      create(context) {
        if (isExitAllowed(context.filename)) return {};
        return {
          'CallExpression[callee.type="MemberExpression"]'(
            node: Deno.lint.CallExpression,
          ) {
            const callee = node.callee as Deno.lint.MemberExpression;
            if (
              callee.object.type === "Identifier" &&
              callee.object.name === "Deno" &&
              callee.property.type === "Identifier" &&
              callee.property.name === "exit"
            ) {
              context.report({
                node,
                message: "Only main.ts may call Deno.exit: throw a TendError",
              });
            }
          },
        };
      },
    },
    "no-console-outside-output": {
      create(context) {
        if (isPrintAllowed(context.filename)) return {};
        return {
          'MemberExpression[object.name="console"]'(
            node: Deno.lint.MemberExpression,
          ) {
            context.report({
              node,
              message: "Only src/output/ may print: return data instead",
            });
          },
        };
      },
    },
  },
};

function isExitAllowed(file: string): boolean {
  return file.endsWith("/main.ts") || isProgram(file);
}

function isPrintAllowed(file: string): boolean {
  return file.includes("/src/output/") || isProgram(file);
}

function isProgram(file: string): boolean {
  return file.includes("/scripts/") || file.includes("/tests/");
}

export default plugin;
