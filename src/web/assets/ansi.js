// Renders the ANSI SGR colours of a log line as DOM nodes (never HTML).
"use strict";
(() => {
  const BASIC = [
    "#2e3436",
    "#cc0000",
    "#4e9a06",
    "#c4a000",
    "#3465a4",
    "#75507b",
    "#06989a",
    "#d3d7cf",
  ];
  const BRIGHT = [
    "#555753",
    "#ef2929",
    "#8ae234",
    "#fce94f",
    "#729fcf",
    "#ad7fa8",
    "#34e2e2",
    "#eeeeec",
  ];
  const ESCAPE =
    // deno-lint-ignore no-control-regex
    /\x1b\[([0-9;]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b./g;

  function color256(n) {
    if (n < 8) return BASIC[n];
    if (n < 16) return BRIGHT[n - 8];
    if (n >= 232) {
      const level = 8 + (n - 232) * 10;
      return `rgb(${level},${level},${level})`;
    }
    const i = n - 16;
    const step = (v) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${step(Math.floor(i / 36))},${step(Math.floor(i / 6) % 6)},${
      step(i % 6)
    })`;
  }

  function apply(style, codes) {
    for (let k = 0; k < codes.length; k++) {
      const c = codes[k];
      if (c === 0) Object.assign(style, fresh());
      else if (c === 1) style.bold = true;
      else if (c === 2) style.dim = true;
      else if (c === 3) style.italic = true;
      else if (c === 4) style.underline = true;
      else if (c === 22) style.bold = style.dim = false;
      else if (c === 23) style.italic = false;
      else if (c === 24) style.underline = false;
      else if (c >= 30 && c <= 37) style.fg = BASIC[c - 30];
      else if (c === 39) style.fg = null;
      else if (c >= 40 && c <= 47) style.bg = BASIC[c - 40];
      else if (c === 49) style.bg = null;
      else if (c >= 90 && c <= 97) style.fg = BRIGHT[c - 90];
      else if (c >= 100 && c <= 107) style.bg = BRIGHT[c - 100];
      else if (c === 38 || c === 48) {
        let value = null;
        if (codes[k + 1] === 5 && codes[k + 2] !== undefined) {
          value = color256(codes[k + 2] & 255);
          k += 2;
        } else if (codes[k + 1] === 2 && codes[k + 4] !== undefined) {
          value = `rgb(${codes[k + 2] & 255},${codes[k + 3] & 255},${
            codes[k + 4] & 255
          })`;
          k += 4;
        }
        if (c === 38) style.fg = value;
        else style.bg = value;
      }
    }
  }

  function fresh() {
    return {
      fg: null,
      bg: null,
      bold: false,
      dim: false,
      italic: false,
      underline: false,
    };
  }

  function node(text, style) {
    const plain = !style.fg && !style.bg && !style.bold && !style.dim &&
      !style.italic && !style.underline;
    if (plain) return document.createTextNode(text);
    const span = document.createElement("span");
    span.textContent = text;
    if (style.fg) span.style.color = style.fg;
    if (style.bg) span.style.backgroundColor = style.bg;
    const classes = [];
    if (style.bold) classes.push("b");
    if (style.dim) classes.push("d");
    if (style.italic) classes.push("i");
    if (style.underline) classes.push("u");
    if (classes.length) span.className = classes.join(" ");
    return span;
  }

  /** The text of a line without its escape sequences (for search). */
  function strip(line) {
    return line.replace(ESCAPE, "");
  }

  /** A fragment showing `line` with its colours. */
  function render(line) {
    const fragment = document.createDocumentFragment();
    const style = fresh();
    let at = 0;
    for (const match of line.matchAll(ESCAPE)) {
      if (match.index > at) {
        fragment.append(node(line.slice(at, match.index), style));
      }
      if (match[2] === "m") {
        const codes = match[1] === ""
          ? [0]
          : match[1].split(";").map((v) => Number(v) || 0);
        apply(style, codes);
      }
      at = match.index + match[0].length;
    }
    if (at < line.length) fragment.append(node(line.slice(at), style));
    return fragment;
  }

  globalThis.tendAnsi = { render, strip };
})();
