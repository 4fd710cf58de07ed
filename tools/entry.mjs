// Trunk post-build hook: writes the stable entry `handover-console.js` (the wasm-bindgen module
// with js/entry.js appended, pointing at the content-hashed wasm and stylesheet) and makes
// index.html load it with one <script type="module" src>, instead of Trunk's inline loader,
// which a strict Content-Security-Policy (script-src 'self') would block.
import { readFileSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error("run me as a Trunk post_build hook (TRUNK_STAGING_DIR is unset)");
const files = readdirSync(dir);
const one = (re, what) => {
  const found = files.filter((f) => re.test(f));
  if (found.length !== 1) throw new Error(`expected one ${what} in ${dir}, found ${found}`);
  return found[0];
};
const glue = one(/^handover-console-[0-9a-f]+\.js$/, "wasm-bindgen module");
const wasm = one(/^handover-console-[0-9a-f]+_bg\.wasm$/, "wasm file");
const css = one(/^app-[0-9a-f]+\.css$/, "stylesheet");

const entry = readFileSync(new URL("../js/entry.js", import.meta.url), "utf8")
  .replaceAll("__WASM__", `./${wasm}`)
  .replaceAll("__CSS__", `./${css}`);
writeFileSync(join(dir, "handover-console.js"), `${readFileSync(join(dir, glue), "utf8")}\n${entry}`);
rmSync(join(dir, glue));

const indexPath = join(dir, "index.html");
let html = readFileSync(indexPath, "utf8");
const before = html;
html = html.replace(/<script type="module">[\s\S]*?TrunkApplicationStarted[\s\S]*?<\/script>\s*/, "");
html = html.replace(/<link rel="modulepreload"[^>]*>/, "");
if (html === before) throw new Error("Trunk's loader was not found in index.html");
html = html.replace(
  "</head>",
  '<script type="module" src="./handover-console.js"></script>\n  </head>',
);
writeFileSync(indexPath, html);
console.log(`entry: handover-console.js → ${wasm}, ${css}`);
