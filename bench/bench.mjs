// The covault browser benchmark. Loads pkg (and optionally an alternative build, `alt`), then
// runs each operation side by side against WebCrypto, noble, hpke-js and hash-wasm with the same
// inputs, after cross-checking that their outputs agree. Results go to window.__bench for
// bench/run.mjs, which prints the table.
import { x25519 } from "@noble/curves/ed25519.js";
import { gcm } from "@noble/ciphers/aes.js";
import { argon2id as nobleArgon2id } from "@noble/hashes/argon2.js";
import { Aes256Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { argon2id as hashWasmArgon2id } from "hash-wasm";
import { b64, context, eq, outsideChain, unb64 } from "./chain.mjs";

const q = new URLSearchParams(location.search);
const out = document.getElementById("out");
const log = (line) => (out.textContent += "\n" + line);
const enc = new TextEncoder();
const rand = (n) => {
  const buf = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(buf.subarray(i, Math.min(n, i + 65536)));
  return buf;
};
async function load(path) {
  const mod = await import(`${path}/covault.js`);
  const bytes = await (await fetch(`${path}/covault_bg.wasm`)).arrayBuffer();
  const start = performance.now();
  await mod.default({ module_or_path: bytes });
  const initMs = performance.now() - start;
  const compiles = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await WebAssembly.compile(bytes);
    compiles.push(performance.now() - s);
  }
  return { mod, initMs, compileMs: median(compiles) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Milliseconds per call: a warm-up call, then at least `minRuns` calls and `minMs` of work. */
async function time(fn, minMs, minRuns) {
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (runs < minRuns || elapsed < minMs) {
    if (isAsync) await fn();
    else fn();
    runs++;
    elapsed = performance.now() - start;
  }
  return elapsed / runs;
}

const rows = [];
const checks = [];
function check(name, ok) {
  checks.push({ name, ok: !!ok });
  log(`${ok ? "ok  " : "FAIL"} ${name}`);
}

/** Runs every implementation of one operation interleaved, `rounds` times; keeps the median. */
async function compare(op, impls, { minMs = 300, minRuns = 3, rounds = 3 } = {}) {
  const samples = impls.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, fn]] of impls.entries()) samples[i].push(await time(fn, minMs, minRuns));
  }
  for (const [i, [impl]] of impls.entries()) {
    rows.push({ op, impl, ms: median(samples[i]) });
    log(`${op} | ${impl} | ${median(samples[i]).toFixed(4)} ms`);
  }
}

async function main() {
  const main = await load(q.get("pkg"));
  const alt = q.get("alt") ? await load(q.get("alt")) : null;
  const cv = main.mod;
  const variants = [["covault", cv]];
  if (alt) variants.push([q.get("altName") || "covault (alt)", alt.mod]);
  const perVariant = (label, make) => variants.map(([name, m]) => [name, make(m)]);

  // ---- cross-checks: same inputs, outputs compared across implementations ----
  // Every build's whole chain from the outside (bench/chain.mjs), then the benchmark's inputs.
  const chains = [];
  for (const [name, m] of variants) {
    chains.push(await outsideChain(m, (what, ok) => check(`${name}: ${what}`, ok), { params: cv.defaultKdfParams() }));
  }
  const aSecret = rand(32), bSecret = rand(32);
  const aPub = x25519.getPublicKey(aSecret), bPub = x25519.getPublicKey(bSecret);
  const alice = cv.KeyPair.fromSecretBytes("alice", aSecret);
  const bob = cv.KeyPair.fromSecretBytes("bob", bSecret);
  check("X25519 public key: covault = noble", alice.publicKey === b64(aPub));
  const shared = x25519.getSharedSecret(aSecret, bPub);
  check("X25519 shared secret: covault = noble", eq(alice.diffieHellman(b64(bPub)), shared));
  const jwk = (d, x) => ({ kty: "OKP", crv: "X25519", d: b64(d), x: b64(x), ext: true });
  const wcA = await crypto.subtle.importKey("jwk", jwk(aSecret, aPub), { name: "X25519" }, false, ["deriveBits"]);
  const wcB = await crypto.subtle.importKey("raw", bPub, { name: "X25519" }, true, []);
  const wcShared = new Uint8Array(await crypto.subtle.deriveBits({ name: "X25519", public: wcB }, wcA, 256));
  check("X25519 shared secret: WebCrypto = noble", eq(wcShared, shared));

  const key = rand(32);
  const dekK = cv.Dek.fromRawBytes("dek", key);
  const data = rand(1000);
  const aad = context("covault/v1/app", "bench");
  const envl = dekK.encrypt(data, "bench").split(".");
  check("envelope shape cv1.a256gcm.<nonce>.<ct>", envl.length === 4 && envl[1] === "a256gcm");
  const [nonce, ct] = [unb64(envl[2]), unb64(envl[3])];
  const wcKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt", "decrypt"]);
  const wcPlain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, wcKey, ct));
  check("AES-256-GCM: WebCrypto opens covault's ciphertext", eq(wcPlain, data));
  check("AES-256-GCM: noble's ciphertext = covault's", eq(gcm(key, nonce, aad).encrypt(data), ct));
  const n2 = rand(12);
  const wcCt = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: n2, additionalData: aad }, wcKey, data));
  check("AES-256-GCM: covault opens WebCrypto's ciphertext", eq(dekK.decrypt(`cv1.a256gcm.${b64(n2)}.${b64(wcCt)}`, "bench"), data));

  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
  const hpkePair = async (s, p) => ({
    privateKey: await suite.kem.importKey("raw", s, false),
    publicKey: await suite.kem.importKey("raw", p, true),
  });
  const hAlice = await hpkePair(aSecret, aPub), hBob = await hpkePair(bSecret, bPub);
  const shareInfo = context("covault/v1/share", "share-1", "conn-1");
  const shareDek = cv.Dek.fromRawBytes("share-1", key);
  const sealed = cv.sealShare(shareDek, bob.publicKey, alice, "share-1", "conn-1").split(".");
  const hOpened = new Uint8Array(await suite.open(
    { recipientKey: hBob, enc: unb64(sealed[2]), senderPublicKey: hAlice.publicKey, info: shareInfo }, unb64(sealed[3])));
  check("HPKE Auth: hpke-js opens covault's sealed share DEK", eq(hOpened, key));
  const hSealed = await suite.seal({ recipientPublicKey: hBob.publicKey, senderKey: hAlice, info: shareInfo }, key);
  const opened = cv.openShare(`cv1.hpke-x25519-a256gcm.${b64(new Uint8Array(hSealed.enc))}.${b64(new Uint8Array(hSealed.ct))}`,
    bob, alice.publicKey, "share-1", "conn-1");
  check("HPKE Auth: covault opens hpke-js's seal (same DEK)", eq(opened.decrypt(dekK.encrypt(data, "x"), "x"), data));

  const argonParams = cv.defaultKdfParams();
  const pw = "correct horse battery staple", salt = rand(16), secretBytes = rand(16);
  const secret = cv.SecretKey.fromRawBytes(secretBytes);
  const hashWasmOpts = { password: pw, salt, parallelism: argonParams.parallelism, iterations: argonParams.iterations,
    memorySize: argonParams.memoryKib, hashLength: 32, outputType: "binary" };
  const nobleOpts = { t: argonParams.iterations, m: argonParams.memoryKib, p: argonParams.parallelism, dkLen: 32 };
  const hwOut = await hashWasmArgon2id(hashWasmOpts);
  check("Argon2id: hash-wasm = noble", eq(hwOut, nobleArgon2id(pw, salt, nobleOpts)));
  const hkdfKey = await crypto.subtle.importKey("raw", hwOut, "HKDF", false, ["deriveBits"]);
  const authKey = new Uint8Array(await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: secretBytes, info: enc.encode("covault/v1/auth-key") }, hkdfKey, 256));
  const keys = cv.AccountKeys.derive(pw, b64(salt), secret, argonParams);
  check("Argon2id + HKDF: covault's auth key = hash-wasm + WebCrypto HKDF", keys.authKey === b64(authKey));

  // ---- timings ----
  const wcGen = async () => {
    const kp = await crypto.subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
    return crypto.subtle.exportKey("raw", kp.publicKey);
  };
  await compare("X25519 keypair generation", [
    ...perVariant("covault", (m) => () => m.KeyPair.generate().free()),
    ["WebCrypto", wcGen],
    ["noble", () => x25519.getPublicKey(x25519.utils.randomSecretKey())],
  ]);
  const altAlice = variants.map(([, m]) => m.KeyPair.fromSecretBytes("alice", aSecret));
  await compare("X25519 shared secret", [
    ...variants.map(([name], i) => [name, () => altAlice[i].diffieHellman(b64(bPub))]),
    ["WebCrypto", () => crypto.subtle.deriveBits({ name: "X25519", public: wcB }, wcA, 256)],
    ["noble", () => x25519.getSharedSecret(aSecret, bPub)],
  ]);

  const vBob = variants.map(([, m]) => m.KeyPair.fromSecretBytes("bob", bSecret));
  const vDek = variants.map(([, m]) => m.Dek.fromRawBytes("share-1", key));
  const vSealed = variants.map((_, i) => cv === variants[i][1] ? sealed.join(".") : variants[i][1].sealShare(vDek[i], vBob[i].publicKey, altAlice[i], "share-1", "conn-1"));
  await compare("HPKE seal (Auth mode, 32 B DEK)", [
    ...variants.map(([name, m], i) => [name, () => m.sealShare(vDek[i], vBob[i].publicKey, altAlice[i], "share-1", "conn-1")]),
    ["hpke-js", () => suite.seal({ recipientPublicKey: hBob.publicKey, senderKey: hAlice, info: shareInfo }, key)],
  ]);
  await compare("HPKE open (Auth mode, 32 B DEK)", [
    ...variants.map(([name, m], i) => [name, () => m.openShare(vSealed[i], vBob[i], altAlice[i].publicKey, "share-1", "conn-1").free()]),
    ["hpke-js", () => suite.open({ recipientKey: hBob, enc: hSealed.enc, senderPublicKey: hAlice.publicKey, info: shareInfo }, hSealed.ct)],
  ]);

  // The KEKs whose raw bytes the chain recovered, so that all three wrap the same DEK under the
  // same KEK with the same associated data, and each opens the others' output.
  const vKek = chains.map((c) => c.kek);
  const vWrapped = variants.map((_, i) => vKek[i].wrapDek(vDek[i]));
  const kekBytes = chains[0].kekBytes;
  const wcKek = await crypto.subtle.importKey("raw", kekBytes, "AES-GCM", false, ["wrapKey", "unwrapKey", "decrypt"]);
  const wcDek = await crypto.subtle.importKey("raw", key, "AES-GCM", true, ["encrypt"]);
  const dekAad = context("covault/v1/dek", chains[0].userId, "share-1");
  const wcIv = rand(12);
  const wcWrapped = await crypto.subtle.wrapKey("raw", wcDek, wcKek, { name: "AES-GCM", iv: wcIv, additionalData: dekAad });
  const nobleWrapped = gcm(kekBytes, wcIv, dekAad).encrypt(key);
  check("DEK wrap: noble's wrap = WebCrypto's", eq(nobleWrapped, new Uint8Array(wcWrapped)));
  const probe = vKek[0].unwrapDek("share-1", `cv1.a256gcm.${b64(wcIv)}.${b64(new Uint8Array(wcWrapped))}`)
    .encrypt(data, "bench").split(".");
  check("DEK wrap: covault unwraps WebCrypto's wrap to the same key (the rows use covault's associated data)",
    eq(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(probe[2]), additionalData: aad }, wcKey, unb64(probe[3]))), data));
  const [wIv, wCt] = [unb64(vWrapped[0].split(".")[2]), unb64(vWrapped[0].split(".")[3])];
  check("DEK wrap: WebCrypto opens covault's wrapDek output",
    eq(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: wIv, additionalData: dekAad }, wcKek, wCt)), key));
  await compare("DEK wrap", [
    ...variants.map(([name], i) => [name, () => vKek[i].wrapDek(vDek[i])]),
    ["WebCrypto", () => crypto.subtle.wrapKey("raw", wcDek, wcKek, { name: "AES-GCM", iv: rand(12), additionalData: dekAad })],
    ["noble", () => gcm(kekBytes, rand(12), dekAad).encrypt(key)],
  ]);
  await compare("DEK unwrap", [
    ...variants.map(([name], i) => [name, () => vKek[i].unwrapDek("share-1", vWrapped[i]).free()]),
    ["WebCrypto", () => crypto.subtle.unwrapKey("raw", wcWrapped, wcKek, { name: "AES-GCM", iv: wcIv, additionalData: dekAad }, "AES-GCM", false, ["encrypt"])],
    ["noble", () => gcm(kekBytes, wcIv, dekAad).decrypt(nobleWrapped)],
  ]);

  const vDekK = variants.map(([, m]) => m.Dek.fromRawBytes("dek", key));
  for (const [label, size] of [["100 B", 100], ["64 KiB", 65536], ["1 MiB", 1 << 20]]) {
    const msg = rand(size);
    const minMs = size > 100000 ? 600 : 300;
    const vEnv = vDekK.map((d) => d.encrypt(msg, "bench"));
    const parts = vEnv[0].split(".");
    const [nn, cc] = [unb64(parts[2]), unb64(parts[3])];
    for (const [i, [name]] of variants.entries()) {
      const [vn, vc] = [unb64(vEnv[i].split(".")[2]), unb64(vEnv[i].split(".")[3])];
      check(`AES-256-GCM ${label}: WebCrypto opens ${name}'s ciphertext`,
        eq(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: vn, additionalData: aad }, wcKey, vc)), msg));
      const wn = rand(12);
      const wc = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: wn, additionalData: aad }, wcKey, msg));
      check(`AES-256-GCM ${label}: ${name} opens WebCrypto's ciphertext`, eq(vDekK[i].decrypt(`cv1.a256gcm.${b64(wn)}.${b64(wc)}`, "bench"), msg));
    }
    // The envelope as bytes (encryptToBytes, and decrypt of a Uint8Array), where the build has it.
    const bytesApi = variants.filter(([, m]) => m.Dek.prototype.encryptToBytes);
    const vEnvBytes = bytesApi.map(([, m], i) => vDekK[variants.indexOf(bytesApi[i])].encryptToBytes(msg, "bench"));
    for (const [i, [name]] of bytesApi.entries()) {
      check(`AES-256-GCM ${label}: ${name} opens its encryptToBytes output given as bytes`,
        eq(vDekK[variants.indexOf(bytesApi[i])].decrypt(vEnvBytes[i], "bench"), msg));
    }
    // The stock aes-gcm crate in the same module, raw bytes in and out: covault's floor.
    const bare = cv.BareAesGcm ? new cv.BareAesGcm(key) : null;
    if (bare) {
      check(`AES-256-GCM ${label}: the bare crate's ciphertext = covault's`, eq(bare.encrypt(nn, aad, msg), cc));
      check(`AES-256-GCM ${label}: the bare crate opens covault's ciphertext`, eq(bare.decrypt(nn, aad, cc), msg));
    }
    await compare(`AES-256-GCM encrypt ${label}`, [
      ...variants.map(([name], i) => [name, () => vDekK[i].encrypt(msg, "bench")]),
      ...bytesApi.map(([name, m], i) => [`${name} (bytes)`, () => vDekK[variants.indexOf(bytesApi[i])].encryptToBytes(msg, "bench")]),
      ...(bare ? [["aes-gcm crate, bare", () => bare.encrypt(rand(12), aad, msg)]] : []),
      ["WebCrypto", () => crypto.subtle.encrypt({ name: "AES-GCM", iv: rand(12), additionalData: aad }, wcKey, msg)],
      ["noble", () => gcm(key, rand(12), aad).encrypt(msg)],
    ], { minMs });
    await compare(`AES-256-GCM decrypt ${label}`, [
      ...variants.map(([name], i) => [name, () => vDekK[i].decrypt(vEnv[i], "bench")]),
      ...bytesApi.map(([name], i) => [`${name} (bytes)`, () => vDekK[variants.indexOf(bytesApi[i])].decrypt(vEnvBytes[i], "bench")]),
      ...(bare ? [["aes-gcm crate, bare", () => bare.decrypt(nn, aad, cc)]] : []),
      ["WebCrypto", () => crypto.subtle.decrypt({ name: "AES-GCM", iv: nn, additionalData: aad }, wcKey, cc)],
      ["noble", () => gcm(key, nn, aad).decrypt(cc)],
    ], { minMs });
  }

  const vSecret = variants.map(([, m]) => m.SecretKey.fromRawBytes(secretBytes));
  await compare("Argon2id m=64 MiB t=3 p=4", [
    ...variants.map(([name, m], i) => [name, () => m.AccountKeys.derive(pw, b64(salt), vSecret[i], argonParams).free()]),
    ["hash-wasm", () => hashWasmArgon2id(hashWasmOpts)],
    ["noble", () => nobleArgon2id(pw, salt, nobleOpts)],
  ], { minMs: 0, minRuns: 2, rounds: q.get("quick") ? 1 : 2 });

  const init = [{ name: "covault", initMs: main.initMs, compileMs: main.compileMs }];
  if (alt) init.push({ name: variants[1][0], initMs: alt.initMs, compileMs: alt.compileMs });
  window.__bench = { rows, checks, init, userAgent: navigator.userAgent };
}

main().catch((e) => {
  log(`error: ${e.stack || e}`);
  window.__bench = { error: String(e.stack || e) };
});
