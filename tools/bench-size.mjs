// Size benchmark: for every file the first page loads (everything Trunk writes to dist/),
// raw, gzip -9 and brotli (quality 11) sizes with totals. Writes target/bench/size.json and
// prints a table. A benchmark, not a test: it never fails on a number.
import { readdirSync, readFileSync, statSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dist = process.argv[2] ?? "dist";
const budget = { brotli_bytes: 120 * 1024, requests: 5 };

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dist)
  .sort()
  .map((path) => {
    const data = readFileSync(path);
    return {
      file: relative(dist, path),
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
