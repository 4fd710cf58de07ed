// Every benchmark figure of issue 12 beside its goal, from the target/bench/*.json files the
// benchmarks wrote (`make bench`). Prints a Markdown table (the README's "Performance" table is
// a copy of it) and writes target/bench/report.md. A figure a benchmark did not produce shows
// as "not measured" rather than failing: a report, not a test.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const read = (name) => {
  const path = `target/bench/${name}.json`;
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
};
const size = read("size");
const load = read("load");
const wizard = read("wizard");
const run = read("run");

const pick = (obj, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
const num = (v, digits = 0, unit = "") =>
  typeof v === "number" && Number.isFinite(v) ? `${v.toFixed(digits)}${unit}` : "not measured";
const mb = (bytes) => (typeof bytes === "number" ? bytes / 1e6 : undefined);

// [figure, value, goal, met]
const rows = [
  [
    "first load, brotli (requests)",
    size.total
      ? `${num(size.total.brotli / 1024, 1, " KiB")} in ${size.requests} requests`
      : "not measured",
    `≤ 150 KiB, then ≤ 120 KiB, in ≤ 5 requests`,
    size.total ? size.total.brotli / 1024 <= 150 && size.requests <= 5 : undefined,
  ],
  [
    "navigation → step 1's content visible, median of 7",
    num(load.content_visible_median_ms, 0, " ms"),
    "≤ 200 ms",
    load.content_visible_median_ms <= 200,
  ],
  [
    "20,000 customers, demo: step 2 → first rows",
    num(pick(wizard, "demo.first_rows_ms") ?? wizard.first_rows_ms, 0, " ms"),
    "≤ 150 ms",
    (pick(wizard, "demo.first_rows_ms") ?? wizard.first_rows_ms) <= 150,
  ],
  [
    "20,000 customers, demo: step 2 → list ready",
    num(pick(wizard, "demo.list_ready_ms") ?? wizard.list_ready_ms, 0, " ms"),
    "≤ 300 ms",
    (pick(wizard, "demo.list_ready_ms") ?? wizard.list_ready_ms) <= 300,
  ],
  [
    "20,000 customers, backend +50 ms: first rows",
    num(pick(wizard, "backend_50ms.first_rows_ms"), 0, " ms"),
    "≤ 150 ms",
    pick(wizard, "backend_50ms.first_rows_ms") <= 150,
  ],
  [
    "20,000 customers, backend +50 ms: list ready",
    num(pick(wizard, "backend_50ms.list_ready_ms"), 0, " ms"),
    "≤ 300 ms",
    pick(wizard, "backend_50ms.list_ready_ms") <= 300,
  ],
  [
    "filter keystroke → list updated, p95",
    num(wizard.filter_p95_ms, 1, " ms"),
    "≤ 8 ms",
    wizard.filter_p95_ms <= 8,
  ],
  [
    "select all matching (20,000)",
    num(wizard.select_all_ms, 1, " ms"),
    "≤ 8 ms",
    wizard.select_all_ms <= 8,
  ],
  [
    "run: 20,000 customers, 50 ms, 4 in flight: wall ÷ floor",
    num(run.ratio, 2),
    "≤ 1.1",
    run.ratio <= 1.1,
  ],
  [
    "page memory, 20,000 customers loaded (JS heap + wasm): demo",
    num(mb(pick(wizard, "memory.total_bytes")), 1, " MB"),
    "≤ 11.5 MB",
    mb(pick(wizard, "memory.total_bytes")) <= 11.5,
  ],
  [
    "page memory, 20,000 customers loaded (JS heap + wasm): backend",
    num(mb(pick(wizard, "backend_50ms.memory.total_bytes")), 1, " MB"),
    "≤ 11.5 MB",
    mb(pick(wizard, "backend_50ms.memory.total_bytes")) <= 11.5,
  ],
];

const verdict = (v, met) => (v === "not measured" ? "—" : met ? "met" : "not met");
const lines = [
  "| figure | latest | goal | |",
  "|---|---|---|---|",
  ...rows.map(([f, v, g, met]) => `| ${f} | ${v} | ${g} | ${verdict(v, met)} |`),
];
const table = lines.join("\n") + "\n";
writeFileSync("target/bench/report.md", table);
console.log(table + "written: target/bench/report.md");
