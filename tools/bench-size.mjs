// Size benchmark: for every file the first page loads (index.html and what it pulls in),
// raw, gzip -9 and brotli (quality 11) sizes with totals. Writes target/bench/size.json and
// prints a table. A benchmark, not a test: it never fails on a number.
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dist = process.argv[2] ?? "dist";
const budget = { brotli_bytes: 120 * 1024, requests: 5 };

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
console.log(
  `requests: ${files.length} (budget ${budget.requests}); brotli total ${(total.brotli / 1024).toFixed(1)} KiB (budget 120 KiB)`,
);
console.log("written: target/bench/size.json");
