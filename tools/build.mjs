// Trunk post-build hook: the part of the app's pipeline Trunk 0.21's has no place for.
//
// Trunk has built the crate with the `split` feature (relocations kept, .cargo/config.toml).
// 1. `wasm-split-cli` (wasm_split_cli_support) moves what only the split points reach (the
//    whole Leptos app, `ui::later`) into a second module, downloaded when the admin first
//    leaves step 1 (issue 12);
// 2. `wasm-bindgen` again on the split main module, then `wasm-opt -Oz` on every module in a
//    release build (binaryen 132 from npm);
// 3. short names for the main module's imports (tools/short-imports.mjs), content-hashed
//    names, and the stable entry `handover-console.js`: the split loader, the wasm-bindgen
//    module and js/entry.js in one file (one request, no inline script: a strict
//    Content-Security-Policy with script-src 'self' allows it), minified in a release build.
//    Trunk's own glue, wasm and inline loader, made for the unsplit module, are removed;
// 4. index.html loads that entry and preloads the main wasm.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { shortImports } from "./short-imports.mjs";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("run me as a Trunk post_build hook (TRUNK_STAGING_DIR is unset)");
const release = process.env.TRUNK_PROFILE === "release";
// HOC_KEEP_NAMES=1: a release build that keeps the functions' names (wasm-bindgen
// `--keep-debug`, wasm-opt `-g`), so a Chromium trace or profile names the wasm's functions.
// Only for looking at where time goes: the modules are larger.
const keepNames = process.env.HOC_KEEP_NAMES === "1";
const root = new URL("..", import.meta.url).pathname;
const profile = release ? "release" : "debug";
const name = "handover-console";

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
const hash = (data) => createHash("sha256").update(data).digest("hex").slice(0, 16);

const built = join(root, "target/wasm32-unknown-unknown", profile, `${name}.wasm`);
const work = join(root, "target/hoc-build", profile);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// Trunk's outputs for the unsplit module.
for (const f of readdirSync(staging)) {
  if (new RegExp(`^${name}-[0-9a-f]+(_bg\\.wasm|\\.js)$`).test(f)) rmSync(join(staging, f));
}

// 1. The split: `work/handover-console.wasm` (main), the later chunks and `__wasm_split.js`.
run("wasm-split-cli", [built, work, "--out-name", name]);
const input = join(work, `${name}.wasm`);

// 2. Bindings, then size.
const bg = join(work, "bindgen");
run("wasm-bindgen", [
  "--target=web",
  "--no-typescript",
  `--out-name=${name}`,
  `--out-dir=${bg}`,
  // The later module links to the main one's functions by their exports.
  "--keep-lld-exports",
  "--no-demangle",
  ...(keepNames ? ["--keep-debug"] : []),
  input,
]);
const chunks = readdirSync(work).filter((f) => f.endsWith(".wasm") && f !== `${name}.wasm`);
const modules = [join(bg, `${name}_bg.wasm`), ...chunks.map((c) => join(work, c))];
if (release) {
  for (const m of modules) {
    const names = keepNames ? ["-g"] : [];
    run("wasm-opt", ["-Oz", ...names, "--enable-bulk-memory", "--enable-nontrapping-float-to-int", m, "-o", m]);
  }
}

// 3. Short import names (tools/short-imports.mjs), hashed names, and the entry.
const short = shortImports(
  readFileSync(modules[0]),
  readFileSync(join(bg, `${name}.js`), "utf8"),
  `./${name}_bg.js`,
);
const mainData = short.wasm;
const mainWasm = `${name}-${hash(mainData)}_bg.wasm`;
writeFileSync(join(staging, mainWasm), mainData);
let loader = readFileSync(join(work, "__wasm_split.js"), "utf8");
for (const c of chunks) {
  const data = readFileSync(join(work, c));
  const hashed = `${c.replace(/\.wasm$/, "")}-${hash(data)}.wasm`;
  writeFileSync(join(staging, hashed), data);
  if (!loader.includes(`"./${c}"`)) throw new Error(`the split loader does not name ${c}`);
  loader = loader.replaceAll(`"./${c}"`, `"./${hashed}"`);
}
const css = readdirSync(staging).filter((f) => /^app-[0-9a-f]+\.css$/.test(f));
if (css.length !== 1) throw new Error(`expected one stylesheet in ${staging}, found ${css}`);

let glue = short.glue;
{
  // The loader imports `initSync` from the entry, and the glue imports the loader: in one file
  // both are plain bindings of the same module.
  const importMain = /^import \{ initSync \} from "[^"]+";\n/m;
  if (!importMain.test(loader)) throw new Error("the split loader's import of initSync changed");
  loader = loader.replace(importMain, "");
  const exported = [...loader.matchAll(/^export const (\w+) =/gm)].map((m) => m[1]);
  loader = loader.replace(/^export const /gm, "const ");
  const importLoader = /^import \* as (\w+) from ["']\.\/__wasm_split\.js["'];?\n/m;
  const m = glue.match(importLoader);
  if (!m) throw new Error("the wasm-bindgen module does not import the split loader");
  glue = glue.replace(importLoader, `const ${m[1]} = { ${exported.join(", ")} };\n`);
}
const entry = readFileSync(join(root, "js/entry.js"), "utf8")
  .replaceAll("__WASM__", `./${mainWasm}`)
  .replaceAll("__CSS__", `./${css[0]}`);
// The loader first: the glue binds its exports at evaluation. A release build's entry is
// minified (esbuild): it is part of every first load.
const entryCode = `${loader}\n${glue}\n${entry}`;
writeFileSync(
  join(staging, `${name}.js`),
  release ? transformSync(entryCode, { minify: true, format: "esm", loader: "js" }).code : entryCode,
);

// 4. index.html, without Trunk's inline loader and preloads.
const indexPath = join(staging, "index.html");
let html = readFileSync(indexPath, "utf8");
const before = html;
html = html.replace(/<script type="module">[\s\S]*?TrunkApplicationStarted[\s\S]*?<\/script>\s*/, "");
html = html.replace(/<link rel="(?:modulepreload|preload)"[^>]*>\s*/g, "");
if (html === before) throw new Error("Trunk's loader was not found in index.html");
html = html.replace(
  "</head>",
  `<link rel="preload" href="./${mainWasm}" as="fetch" type="application/wasm" crossorigin="anonymous">` +
    `<script type="module" src="./${name}.js"></script>\n  </head>`,
);
writeFileSync(indexPath, html);
console.log(`build: ${name}.js → ${mainWasm}${chunks.length ? ` + ${chunks.length} later module(s)` : ""}, ${css[0]}`);
