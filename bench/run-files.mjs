// Drives bench/files.html in Debian's headless Chromium and prints the file benchmark table.
// The tab's memory is measured from outside the page: every 100 ms, the proportional set size
// (Pss in /proc/PID/smaps_rollup) of the page's renderer process, kept as the peak per phase the
// page announces (window.__phase). That is what the operating system charges for the tab: wasm
// memory, JS heap and buffers included; a Blob's bytes live in the browser process.
// Usage: node bench/run-files.mjs VAULT_URL [SIZES_MIB=1,100,1024]
// GC_EACH=1: the page also collects garbage after every chunk (slower; shows how much of the
// peak is garbage waiting for the collector).
import { launchChromium } from "../tests/node/chromium.mjs";
import { readFileSync, readdirSync } from "node:fs";

const [vault, sizes = "1,100,1024"] = process.argv.slice(2);
const MiB = 1024 * 1024;

/** The processes below this one (pid → parent pid from /proc/PID/stat). */
function descendants(root) {
  const parent = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone */ }
  }
  const below = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!below.has(pid) && below.has(ppid)) { below.add(pid); grew = true; }
    }
  }
  below.delete(root);
  return [...below];
}

/** The proportional set size (bytes: private pages, plus each shared page divided among the
 * processes sharing it) of the largest of this script's Chromium renderer processes: the page's
 * (the others are spare or extension renderers of a few MiB). */
function rendererPss() {
  let largest = 0;
  for (const pid of descendants(process.pid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) continue;
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
      if (m) largest = Math.max(largest, Number(m[1]) * 1024);
    } catch { /* gone */ }
  }
  return largest;
}

const browser = await launchChromium(["--js-flags=--expose-gc"]);
const peaks = new Map();
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`[browser] ${e}`));
  await page.goto(`${vault}/files.html?sizes=${sizes}${process.env.GC_EACH ? "&gcEach" : ""}`);
  let done = null;
  const sampler = setInterval(async () => {
    const rss = rendererPss();
    let phase = "";
    try { phase = await page.evaluate(() => window.__phase ?? ""); } catch { /* navigating */ }
    if (phase) peaks.set(phase, Math.max(peaks.get(phase) ?? 0, rss));
  }, 100);
  try {
    await page.waitForFunction(() => window.__files, null, { timeout: 60 * 60 * 1000, polling: 1000 });
    done = await page.evaluate(() => window.__files);
  } finally {
    clearInterval(sampler);
  }
  if (done.error) throw new Error(done.error);
  const mb = (x) => +(x / MiB).toFixed(0);
  const peak = (phase) => mb(peaks.get(phase) ?? 0);
  console.log(`\ncovault file benchmark: Chromium against covault-server (release, SQLite) on loopback\n`);
  console.table(done.rows.map((r) => ({
    "file MiB": r.mib,
    "attach MB/s": +r.attachMBs.toFixed(1),
    "download MB/s": +r.readMBs.toFixed(1),
    "raw WebCrypto seal MB/s": +r.rawSealMBs.toFixed(0),
    "raw WebCrypto open MB/s": +r.rawOpenMBs.toFixed(0),
    "attach / raw seal": +(r.attachMBs / r.rawSealMBs).toFixed(3),
    "download / raw open": +(r.readMBs / r.rawOpenMBs).toFixed(3),
    "attach: waiting for the Vault": `${Math.round(r.attachWaitingMs)} ms / ${r.attachRequests} requests`,
    "download: waiting for the Vault": `${Math.round(r.readWaitingMs)} ms / ${r.readRequests} requests`,
    "share ms": Math.round(r.shareMs),
    "tab peak MiB, attach": peak(`attach ${r.mib} MiB`),
    "tab peak MiB, download": peak(`download ${r.mib} MiB`),
    "wasm memory MiB": +r.wasmMiB.toFixed(0),
  })));
  console.log(`the tab at rest after both sign-ups, before any file: ${peak("baseline")} MiB`);
  const u = done.upload;
  console.log(`the browser's upload path alone: a plain fetch POST to the Vault takes ${u.empty.toFixed(1)} ms ` +
    `with an empty body and ${u["1 MiB"].toFixed(1)} ms with 1 MiB (${(MiB / 1e3 / u["1 MiB"]).toFixed(0)} MB/s at most)`);
  console.log("the issue's memory bound: the tab below 200 MiB while a 1 GiB file streams through it");
} finally {
  await browser.close();
}
