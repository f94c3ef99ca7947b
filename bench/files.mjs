// The file benchmark, in the browser against a real Vault (same origin): for each size, Alice
// attaches a Blob to an item (read, sealed and uploaded chunk by chunk), shares the item with
// Bob, and Bob streams the file back through `readSharedFile` into a WritableStream that checks
// every byte and keeps none. Beside it, raw WebCrypto AES-256-GCM over the same 1 MiB buffers,
// the reference of issue 14. The page never holds a whole file: the Blob is 1 MiB repeated
// (parts of a Blob reference one another, nothing is copied), and the reader compares each
// chunk as it arrives. bench/run-files.mjs samples the tab's memory from outside meanwhile.
// Results go to window.__files; progress to window.__phase (the driver's memory per phase).
import init, * as cv from "/pkg/covault.js";

const MiB = 1024 * 1024;
const out = document.getElementById("out");
const log = (line) => (out.textContent += "\n" + line);
const sizes = (new URLSearchParams(location.search).get("sizes") ?? "1,100,1024").split(",").map(Number);
const url = location.origin;
let wasm;
const wasmMiB = () => wasm.memory.buffer.byteLength / MiB;
// The driver starts Chromium with --expose-gc: each phase starts from a collected heap, so its
// peak is its own and not the garbage of the one before (the WebCrypto reference leaves 1 MiB
// per call behind).
const collect = () => globalThis.gc?.();
// With ?gcEach (GC_EACH=1 for the driver): a full collection after every chunk as well, to
// tell garbage waiting for the collector from memory the pipeline holds.
const gcEachChunk = new URLSearchParams(location.search).has("gcEach");
// ?probeKiB=N: the plain-fetch rows move N KiB per request (default 1024); ?probeOnly: only
// those rows (what the browser itself costs, without covault).
const probeKiB = Number(new URLSearchParams(location.search).get("probeKiB") ?? 1024);
const probeOnly = new URLSearchParams(location.search).has("probeOnly");

/** Runs `fn` as the phase `name` (the driver samples memory per phase); its wall time and the
 * requests and time spent waiting for the Vault meanwhile. */
async function phase(name, fn) {
  collect();
  await new Promise((r) => setTimeout(r, 300));
  window.__phase = name;
  const before = cv.requestStats();
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  const after = cv.requestStats();
  window.__phase = "";
  return { value, ms, requests: after.requests - before.requests, waitingMs: after.waitingMs - before.waitingMs };
}

/** 1 MiB of random bytes (getRandomValues gives at most 64 KiB at a time). */
function randomMiB() {
  const part = new Uint8Array(MiB);
  for (let o = 0; o < MiB; o += 65536) crypto.getRandomValues(part.subarray(o, o + 65536));
  return part;
}

/** A WritableStream that checks the file is `part` repeated to `size` bytes, holding nothing. */
function checker(part, size) {
  let seen = 0;
  const stream = new WritableStream({
    write(chunk) {
      // Chunks of 1 MiB start at a MiB boundary: compare 4 bytes at a time where the chunk's
      // buffer allows it (the check is the page's work, not covault's: keep it small).
      const at = seen % MiB;
      if (at === 0 && chunk.byteOffset % 4 === 0 && chunk.length % 4 === 0) {
        const got = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length / 4);
        const want = new Uint32Array(part.buffer, part.byteOffset, chunk.length / 4);
        for (let i = 0; i < got.length; i++) {
          if (got[i] !== want[i]) throw new Error(`bytes ${seen + 4 * i}..+4 differ`);
        }
      } else {
        for (let i = 0; i < chunk.length; i++) {
          if (chunk[i] !== part[(at + i) % MiB]) throw new Error(`byte ${seen + i} differs`);
        }
      }
      seen += chunk.length;
      if (gcEachChunk) collect();
    },
    close() {
      if (seen !== size) throw new Error(`${seen} bytes read back, ${size} attached`);
    },
  });
  return { stream, seen: () => seen };
}

/** Raw WebCrypto AES-256-GCM over `mib` 1 MiB buffers: seal, then open, MB/s each. */
async function webCrypto(part, mib) {
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = new Uint8Array(12);
  const sealed = [];
  let t = performance.now();
  for (let i = 0; i < mib; i++) {
    iv[0] = i & 255; iv[1] = i >> 8;
    const c = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, part);
    if (i < 2) sealed.push(c);
  }
  const seal = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < mib; i++) {
    iv[0] = (i % 2) & 255; iv[1] = 0;
    await crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, sealed[i % 2]);
  }
  const open = performance.now() - t;
  return { sealMBs: (mib * MiB) / 1e3 / seal, openMBs: (mib * MiB) / 1e3 / open };
}

/** The browser alone, without covault: `mib` fetch POSTs of a fresh 1 MiB body each (JSON
 * whitespace the Vault parses and answers at once), then `mib` fetch GETs of a 1 MiB file read
 * with arrayBuffer(). What any page pays in memory and time to move the same bytes. */
async function plainUpload(mib) {
  const head = new TextEncoder().encode('{"email":"probe@bench.test"');
  const len = probeKiB * 1024;
  const t = performance.now();
  for (let i = 0; i < (mib * MiB) / len; i++) {
    const body = new Uint8Array(len).fill(32);
    body.set(head);
    body[len - 1] = 125; // "}"
    await (await fetch("/v1/prelogin", { method: "POST", headers: { "content-type": "application/json" }, body })).text();
    if (gcEachChunk) collect();
  }
  return (mib * MiB) / 1e3 / (performance.now() - t);
}

async function plainDownload(mib) {
  const t = performance.now();
  const len = probeKiB * 1024;
  for (let i = 0; i < (mib * MiB) / len; i++) {
    const range = `bytes=0-${len - 1}`;
    const got = await (await fetch("/pkg/probe.bin", { cache: "no-store", headers: { range } })).arrayBuffer();
    if (got.byteLength !== len) throw new Error(`probe.bin: ${got.byteLength} bytes`);
    if (gcEachChunk) collect();
  }
  return (mib * MiB) / 1e3 / (performance.now() - t);
}

async function main() {
  wasm = await init();
  const kdf = cv.floorKdfParams();
  const alice = await cv.Covault.signup(url, `alice-${cv.newId()}@bench.test`, "alice pass", { kdf });
  const bob = await cv.Covault.signup(url, `bob-${cv.newId()}@bench.test`, "bob pass", { kdf });
  const inv = await alice.invite(bob.user.email);
  const conn = await bob.acceptInvitation(inv.id, inv.token);
  const part = randomMiB();
  const partBlob = new Blob([part]);
  // The tab at rest, signed in twice, before any file: what the phases add to.
  await phase("baseline", () => new Promise((r) => setTimeout(r, 1000)));
  const rows = [];
  // The browser's own upload path, without covault: the same POST with an empty and with a
  // 1 MiB body (JSON whitespace; the Vault parses it and answers at once, writing nothing).
  const upload = {};
  for (const [name, pad] of [["empty", 0], ["1 MiB", MiB]]) {
    const body = new TextEncoder().encode(`{"email":"probe@bench.test"${" ".repeat(pad)}}`);
    const t = performance.now();
    for (let i = 0; i < 20; i++) {
      await (await fetch("/v1/prelogin", { method: "POST", headers: { "content-type": "application/json" }, body })).text();
    }
    upload[name] = (performance.now() - t) / 20;
  }
  log(`plain fetch POST, ms per request: ${JSON.stringify(upload)}`);
  for (const mib of sizes) {
    const size = mib * MiB;
    const blob = new Blob(Array(mib).fill(partBlob), { type: "application/octet-stream" });
    const item = await alice.createItem(`File ${mib} MiB`, { note: "benchmark" });

    // The reference first: its garbage (1 MiB per call) is collected before covault's phases.
    const raw = (await phase(`webcrypto ${mib} MiB`, () => webCrypto(part, mib))).value;
    const fetchUp = (await phase(`fetch up ${mib} MiB`, () => plainUpload(mib))).value;
    const fetchDown = (await phase(`fetch down ${mib} MiB`, () => plainDownload(mib))).value;
    if (probeOnly) {
      rows.push({ mib, fetchUpMBs: fetchUp, fetchDownMBs: fetchDown });
      continue;
    }
    let progressCalls = 0;
    const attach = await phase(`attach ${mib} MiB`, () =>
      alice.attachFile(item.id, new File([blob], `bench-${mib}.bin`), { onProgress: () => { progressCalls++; if (gcEachChunk) collect(); } }));
    const file = attach.value;
    const wasmAfterAttach = wasmMiB();
    const share = await phase(`share ${mib} MiB`, async () => {
      const s = await alice.shareItem(item.id, conn.id);
      await alice.shareFiles(s.id);
      return s;
    });
    const check = checker(part, size);
    const read = await phase(`download ${mib} MiB`, async () =>
      (await bob.readSharedFile(share.value.id, file.id)).pipeTo(check.stream));
    const attachMs = attach.ms, shareMs = share.ms, readMs = read.ms;
    const row = {
      mib, attachMs, shareMs, readMs, progressCalls,
      attachRequests: attach.requests, attachWaitingMs: attach.waitingMs,
      readRequests: read.requests, readWaitingMs: read.waitingMs,
      attachMBs: size / 1e3 / attachMs, readMBs: size / 1e3 / readMs,
      fetchUpMBs: fetchUp, fetchDownMBs: fetchDown,
      rawSealMBs: raw.sealMBs, rawOpenMBs: raw.openMBs,
      wasmMiB: Math.max(wasmAfterAttach, wasmMiB()),
      jsHeapMiB: performance.memory ? performance.memory.usedJSHeapSize / MiB : null,
    };
    log(JSON.stringify(row));
    rows.push(row);
    await alice.deleteItem(item.id);
  }
  return { rows, upload };
}

main().then(({ rows, upload }) => (window.__files = { rows, upload }), (e) => {
  log(`error: ${e?.code ?? ""} ${e?.stack ?? e}`);
  window.__files = { error: `${e?.code ?? ""} ${e?.message ?? e}` };
});
