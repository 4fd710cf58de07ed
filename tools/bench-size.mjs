// Size benchmark: for every file the first page loads (index.html and what it pulls in),
// raw, gzip -9 and brotli (quality 11) sizes with totals. Writes target/bench/size.json and
// prints a table. Sizes are deterministic, so with `--check` it is also a test: it fails when
// the brotli total or the request count is over the committed budget (tests/size-budget.json),
// so a change that grows the first load is caught the day it lands.
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const args = process.argv.slice(2);
const check = args.includes("--check");
const dist = args.find((a) => !a.startsWith("--")) ?? "dist";
// The committed budget (what the build reaches, lowered as levers land) and the goal beside it.
const budget = JSON.parse(readFileSync(new URL("../tests/size-budget.json", import.meta.url), "utf8"));

// The first page's downloads: index.html, what it links (stylesheet, wasm preload, the entry
// module), and config.json, which the entry fetches. Embedding examples and anything else in
// dist/ are not part of a first load.
function firstLoad() {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const refs = [...html.matchAll(/<(?:link|script)\b[^>]*\b(?:href|src)="\.?\/?([^"#?]+)"/g)]
    .map((m) => m[1])
    .filter((f) => !f.startsWith("data:") && !f.includes("://"));
  return ["index.html", ...new Set(refs), "config.json"];
}

const files = firstLoad()
  .map((file) => {
    const data = readFileSync(join(dist, file));
    return {
      file,
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      }).length,
    };
  });
const total = files.reduce(
  (t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }),
  { raw: 0, gzip: 0, brotli: 0 },
);
const report = { files, total, requests: files.length, budget, measured_at: new Date().toISOString() };

mkdirSync("target/bench", { recursive: true });
writeFileSync("target/bench/size.json", JSON.stringify(report, null, 2) + "\n");

const kib = (n) => (n / 1024).toFixed(1).padStart(9);
const rows = [...files, { file: "TOTAL", ...total }];
const width = Math.max(...rows.map((r) => r.file.length), 4);
console.log(`${"file".padEnd(width)}  ${"raw KiB".padStart(9)}  ${"gzip KiB".padStart(9)}  ${"br KiB".padStart(9)}`);
for (const r of rows) console.log(`${r.file.padEnd(width)}  ${kib(r.raw)}  ${kib(r.gzip)}  ${kib(r.brotli)}`);
const totalKib = total.brotli / 1024;
console.log(
  `requests: ${files.length} (budget ${budget.requests}); brotli total ${totalKib.toFixed(1)} KiB ` +
    `(budget ${budget.brotli_kib} KiB; goal ${budget.goal_brotli_kib} KiB)`,
);
console.log("written: target/bench/size.json");
if (check) {
  const over = [];
  if (totalKib > budget.brotli_kib) {
    over.push(`the first load is ${totalKib.toFixed(1)} KiB brotli, over the budget of ${budget.brotli_kib} KiB`);
  }
  if (files.length > budget.requests) {
    over.push(`the first load makes ${files.length} requests, over the budget of ${budget.requests}`);
  }
  if (over.length) {
    console.error(`size budget exceeded (tests/size-budget.json):\n  ${over.join("\n  ")}`);
    process.exit(1);
  }
  console.log("size budget: ok");
}
