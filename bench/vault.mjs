// The bulk benchmark, in the browser against a real Vault (same origin): sign up, create N
// items, share them all on one connection, then the recipient lists and decrypts them all.
// For each phase it splits the wall time into waiting for the Vault (requestStats), the
// crypto alone (the same operations through the primitives API, timed separately), and the
// rest (JSON, JS<->wasm copies, bookkeeping). Results go to window.__bulk.
import init, * as cv from "/pkg/covault.js";

const out = document.getElementById("out");
const log = (line) => (out.textContent += "\n" + line);
const n = Number(new URLSearchParams(location.search).get("n") ?? 1000);
const url = location.origin;

const stats = () => cv.requestStats();
async function phase(name, count, fn, cryptoOnly) {
  const before = stats();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const after = stats();
  const c0 = performance.now();
  cryptoOnly();
  const crypto = performance.now() - c0;
  const row = {
    phase: name, items: count, wallMs: wall, requests: after.requests - before.requests,
    networkMs: after.waitingMs - before.waitingMs, cryptoMs: crypto,
  };
  row.otherMs = Math.max(0, wall - row.networkMs - row.cryptoMs);
  const parts = { network: row.networkMs, crypto: row.cryptoMs, "JS↔wasm copies and JSON": row.otherMs };
  row.dominant = Object.entries(parts).sort((a, b) => b[1] - a[1])[0][0];
  log(JSON.stringify(row));
  return row;
}

async function main() {
  await init();
  const kdf = cv.floorKdfParams();
  const rows = [];
  const t0 = performance.now();
  const alice = await cv.Covault.signup(url, `alice-${cv.newId()}@bench.test`, "alice pass", { kdf });
  const bob = await cv.Covault.signup(url, `bob-${cv.newId()}@bench.test`, "bob pass", { kdf });
  const inv = await alice.invite(bob.user.email);
  const conn = await bob.acceptInvitation(inv.id, inv.token);
  rows.push({ phase: "sign up two users (Argon2id at the floor) and connect", items: 2, wallMs: performance.now() - t0 });

  // One request on its own, n/5 times: the browser's plain fetch of the cheapest route, and the
  // client's cheapest authenticated call (one GET with the bearer token), each per request.
  // The plain fetches are split with the Resource Timing API: what the Vault and the wire take
  // (request sent → first byte) against the browser's own steps.
  const m = Math.max(20, Math.floor(n / 5));
  performance.setResourceTimingBufferSize(100000);
  performance.clearResourceTimings();
  const f0 = performance.now();
  for (let i = 0; i < m; i++) await (await fetch(`${url}/v1/health?probe=${i}`)).text();
  rows.push({ phase: "plain fetch GET /v1/health (per request)", items: m, wallMs: performance.now() - f0 });
  const probes = performance.getEntriesByType("resource").filter((e) => e.name.includes("probe="));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  for (const [label, f] of [
    ["  of which: fetch start → request sent (browser)", (e) => e.requestStart - e.fetchStart],
    ["  of which: request sent → first byte (the Vault and the wire)", (e) => e.responseStart - e.requestStart],
    ["  of which: first byte → last byte (browser)", (e) => e.responseEnd - e.responseStart],
  ]) rows.push({ phase: `${label}, median`, items: 1, wallMs: median(probes.map(f)) });
  rows.push(await phase("alice.connections(): one authenticated GET (per request)", m, async () => {
    for (let i = 0; i < m; i++) await alice.connections();
  }, () => {}));

  const slots = (i) => ({ username: `user${i}@example.com`, password: `pw-${i}-${"x".repeat(24)}`, note: `item ${i} `.repeat(4) });
  // Primitives for the crypto-only timings.
  const dek = cv.Dek.generate(), kek = cv.Kek.generate("u"), a = cv.KeyPair.generate(), b = cv.KeyPair.generate();
  const wrappedKp = kek.wrapKeyPair(a);
  const encryptItem = (d, id, i) => { d.encryptSlot(id, "label", `Item ${i}`); for (const [k, v] of Object.entries(slots(i))) d.encryptSlot(id, k, v); };

  // One request per item, for comparison with the batches below (a sample, not shared).
  const one = Math.min(100, n);
  const singles = [];
  rows.push(await phase("create items one request each (createItem)", one, async () => {
    for (let i = 0; i < one; i++) singles.push((await alice.createItem(`Single ${i}`, slots(i))).id);
  }, () => { for (let i = 0; i < one; i++) encryptItem(dek, singles[i], i); }));

  const ids = [];
  rows.push(await phase("create items in batches of 500 (createItems)", n, async () => {
    const made = await alice.createItems(Array.from({ length: n }, (_, i) => ({ label: `Item ${i}`, slots: slots(i) })));
    for (const item of made) ids.push(item.id);
  }, () => { for (let i = 0; i < n; i++) encryptItem(dek, ids[i], i); }));

  const sealed = [];
  rows.push(await phase("share every item to Bob in batches of 500 (shareItems)", n, async () => {
    await alice.shareItems(ids, conn.id, {});
  }, () => {
    for (let i = 0; i < n; i++) {
      const env = dek.encryptSlot(ids[i], "password", slots(i).password);
      for (let j = 0; j < 4; j++) dek.decryptSlot(ids[i], "password", env);
      kek.unwrapKeyPair(a.id, wrappedKp).free();
      const shareDek = cv.Dek.generate(ids[i]);
      encryptItem(shareDek, ids[i], i);
      sealed.push([cv.sealShare(shareDek, b.publicKey, a, ids[i], conn.id), shareDek.encryptSlot(ids[i], "password", "x")]);
      kek.wrapDek(shareDek);
      shareDek.free();
    }
  }));

  let read = [];
  rows.push(await phase("Bob lists and decrypts all (readAllIncoming)", n, async () => {
    read = await bob.readAllIncoming();
  }, () => {
    for (let i = 0; i < n; i++) {
      const d = cv.openShare(sealed[i][0], b, a.publicKey, ids[i], conn.id);
      for (let j = 0; j < 4; j++) d.decryptSlot(ids[i], "password", sealed[i][1]);
      d.free();
    }
  }));
  if (read.length !== n) throw new Error(`Bob read ${read.length} shares, expected ${n}`);
  const wrong = read.filter((r) => r.item.slots.password !== slots(Number(r.item.label.split(" ")[1])).password);
  if (wrong.length) throw new Error(`${wrong.length} shares decrypted to the wrong plaintext`);

  const sample = Math.min(100, n);
  const shares = await bob.listShares("incoming");
  rows.push(await phase(`Bob reads ${sample} one by one (readShare)`, sample, async () => {
    for (const s of shares.slice(0, sample)) await bob.readShare(s.share.id);
  }, () => {
    for (let i = 0; i < sample; i++) {
      kek.unwrapKeyPair(a.id, wrappedKp).free();
      const d = cv.openShare(sealed[i][0], b, a.publicKey, ids[i], conn.id);
      for (let j = 0; j < 4; j++) d.decryptSlot(ids[i], "password", sealed[i][1]);
      d.free();
    }
  }));
  window.__bulk = { rows, n };
}

main().catch((e) => {
  log(`error: ${e.stack || e}`);
  window.__bulk = { error: `${e.code ?? ""} ${e.stack || e}` };
});
