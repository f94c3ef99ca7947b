// Module size by crate: runs `twiggy top` (cargo install twiggy) on a wasm module that still has
// its name section (wasm-bindgen's output before wasm-opt) and adds up each function's shallow
// size under the crate its name starts with. Data segments and sections are listed as they are.
// Not a test. Usage: node bench/size-by-crate.mjs path/to/covault_bg.wasm [rows=25]
import { execFileSync } from "node:child_process";

const [wasm, rows = "25"] = process.argv.slice(2);
const csv = execFileSync("twiggy", ["top", "-n", "1000000", "--format", "csv", wasm], { maxBuffer: 1 << 28 }).toString();
const total = new Map();
let sum = 0;
for (const line of csv.split("\n").slice(1)) {
  const m = line.match(/^(.*),(\d+),([\d.]+),/);
  if (!m) continue;
  let name = m[1].replace(/^"|"$/g, "").replace(/""/g, "\"");
  const bytes = Number(m[2]);
  if (name.startsWith("Σ") || name.startsWith("...")) continue;
  // "<a::B as c::D>::f" counts for the implementing type's crate (a); "core[hash]::x" for core.
  let crate = name.replace(/^<+/, "").replace(/^(&|mut |dyn |\*const |\*mut )+/, "").split(/::|\[| /)[0];
  if (/section|segment|subsection|table|elem|global|export|import|type/.test(name) && !name.includes("::")) crate = name;
  else if (!/^[a-z_][a-z0-9_]*$/.test(crate)) crate = "(other: wasm-bindgen shims, unnamed)";
  total.set(crate, (total.get(crate) ?? 0) + bytes);
  sum += bytes;
}
console.log(`${wasm}: ${sum} bytes`);
console.table([...total].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))
  .map(([crate, bytes]) => ({ "crate or section": crate, bytes, "%": +((100 * bytes) / sum).toFixed(1) })));
