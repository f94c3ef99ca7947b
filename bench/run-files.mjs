// Drives bench/files.html in Debian's headless Chromium and prints the file benchmark table.
// The tab's memory is measured from outside the page: every 100 ms, the proportional set size
// of the page's renderer process (bench/bare-chromium.mjs), kept as the peak per phase the page
// announces (window.__phase).
// Usage: node bench/run-files.mjs VAULT_URL [SIZES_MIB=1,100,1024]
// GC_EACH=1: the page also collects garbage after every chunk (slower; shows how much of the
// peak is garbage waiting for the collector). DRIVER=playwright: the page is driven by
// playwright as the tests are, with the DevTools Network domain on (to show what that costs).
// PAGE_ARGS="&probeOnly&probeKiB=256": see bench/files.mjs.
import { launchChromium } from "../tests/node/chromium.mjs";
import { openBare, rendererPss } from "./bare-chromium.mjs";

const [vault, sizes = "1,100,1024"] = process.argv.slice(2);
const MiB = 1024 * 1024;
const url = `${vault}/files.html?sizes=${sizes}${process.env.GC_EACH ? "&gcEach" : ""}${process.env.PAGE_ARGS ?? ""}`;

/** The page, opened bare (the default) or through playwright: `evaluate(expression)` and `close()`. */
async function open() {
  const flags = ["--js-flags=--expose-gc"];
  if (process.env.DRIVER !== "playwright") return openBare(url, flags);
  const browser = await launchChromium(flags);
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`[browser] ${e}`));
  await page.goto(url);
  return { evaluate: (expression) => page.evaluate(expression), close: () => browser.close() };
}

const tab = await open();
const peaks = new Map();
try {
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const pss = rendererPss(process.pid);
      const phase = await tab.evaluate("window.__phase ?? ''").catch(() => "");
      if (phase) peaks.set(phase, Math.max(peaks.get(phase) ?? 0, pss));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let done;
  try {
    for (;;) {
      done = await tab.evaluate("window.__files");
      if (done) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    sampling = false;
    await sampler;
  }
  if (done.error) throw new Error(done.error);
  const mb = (x) => +(x / MiB).toFixed(0);
  // "—": the phase ended before the first sample (100 ms).
  const peak = (phase) => (peaks.get(phase) ? mb(peaks.get(phase)) : "—");
  console.log(`\ncovault file benchmark: Chromium (${process.env.DRIVER === "playwright" ? "driven by playwright, DevTools Network domain on" : "bare"}) against covault-server (release, SQLite) on loopback\n`);
  if (done.rows[0] && done.rows[0].attachMs === undefined) {
    console.table(done.rows.map((r) => ({
      "MiB": r.mib,
      "plain fetch up / down MB/s": `${r.fetchUpMBs.toFixed(0)} / ${r.fetchDownMBs.toFixed(0)}`,
      "tab peak MiB, plain fetch up / down": `${peak(`fetch up ${r.mib} MiB`)} / ${peak(`fetch down ${r.mib} MiB`)}`,
    })));
  } else {
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
    "plain fetch up / down MB/s": `${r.fetchUpMBs.toFixed(0)} / ${r.fetchDownMBs.toFixed(0)}`,
    "tab peak MiB, plain fetch up / down": `${peak(`fetch up ${r.mib} MiB`)} / ${peak(`fetch down ${r.mib} MiB`)}`,
    "tab peak MiB, attach": peak(`attach ${r.mib} MiB`),
    "tab peak MiB, download": peak(`download ${r.mib} MiB`),
    "wasm memory MiB": +r.wasmMiB.toFixed(0),
  })));
  console.log(`the tab at rest after both sign-ups, before any file: ${peak("baseline")} MiB`);
  const u = done.upload;
  console.log(`the browser's upload path alone: a plain fetch POST to the Vault takes ${u.empty.toFixed(1)} ms ` +
    `with an empty body and ${u["1 MiB"].toFixed(1)} ms with 1 MiB (${(MiB / 1e3 / u["1 MiB"]).toFixed(0)} MB/s at most)`);
  console.log("the issue's memory bound: the tab below 200 MiB while a 1 GiB file streams through it");
  }
} finally {
  await tab.close();
}
