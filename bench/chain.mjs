// covault's own constructions checked from the outside, using only the API the published
// package exports: hash-wasm and noble for Argon2id, WebCrypto for HKDF and AES-256-GCM, noble
// for X25519 and hpke-js for HPKE recompute every step (Argon2id → HKDF with the secret key →
// unlock and auth keys → the wrapped KEK → DEKs and keypairs → slots and shares, with each
// associated-data layout and the envelope text form) and must agree with what covault made,
// both ways. `frozenV1` opens tests/fixtures/frozen-v1.json the same two ways.
// Used by tests/node/chain.html (the test, against pkg/) and bench/bench.mjs (every build).
import { x25519 } from "@noble/curves/ed25519.js";
import { gcm } from "@noble/ciphers/aes.js";
import { argon2id as nobleArgon2id } from "@noble/hashes/argon2.js";
import { Aes256Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { argon2id as hashWasmArgon2id } from "hash-wasm";
import { secretKeyBytes } from "./secret-key.mjs";

const enc = new TextEncoder();
const dec = new TextDecoder();
export const b64 = (u8) => {
  let bin = "";
  for (let i = 0; i < u8.length; i += 32768) bin += String.fromCharCode(...u8.subarray(i, i + 32768));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
export const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
export const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const u32 = (n) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let i = 0;
  for (const p of parts) (out.set(p, i), (i += p.length));
  return out;
};
/** covault's associated data, written out from docs/design.md: label ‖ (u32be(len) ‖ part)*. */
export const context = (label, ...parts) =>
  concat(enc.encode(label), ...parts.flatMap((p) => [u32(enc.encode(p).length), enc.encode(p)]));

/** The parts of an envelope's text form, checked: cv1.<alg>.<header>.<ciphertext>, unpadded base64url. */
function parts(envelope, alg) {
  const p = envelope.split(".");
  if (p.length !== 4 || p[0] !== "cv1" || p[1] !== alg || /[=+/]/.test(envelope)) throw new Error(`not a ${alg} envelope: ${envelope}`);
  return [unb64(p[2]), unb64(p[3])];
}

/** Opens an a256gcm envelope with WebCrypto. */
async function aesOpen(key, envelope, aad) {
  const [iv, ct] = parts(envelope, "a256gcm");
  const k = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad }, k, ct));
}

/** Seals an a256gcm envelope with WebCrypto. */
async function aesSeal(key, data, aad) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const k = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, k, data));
  return `cv1.a256gcm.${b64(iv)}.${b64(ct)}`;
}

/** Argon2id (hash-wasm, cross-checked with noble) then HKDF-SHA256 (WebCrypto) with the secret key. */
async function outsideKeys(passphrase, salt, secretBytes, params, check) {
  const pw = await hashWasmArgon2id({ password: passphrase, salt, parallelism: params.parallelism,
    iterations: params.iterations, memorySize: params.memoryKib, hashLength: 32, outputType: "binary" });
  check("Argon2id: hash-wasm = noble", eq(pw, nobleArgon2id(passphrase, salt,
    { t: params.iterations, m: params.memoryKib, p: params.parallelism, dkLen: 32 })));
  const root = await crypto.subtle.importKey("raw", pw, "HKDF", false, ["deriveBits"]);
  const expand = async (info) => new Uint8Array(await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: secretBytes, info: enc.encode(info) }, root, 256));
  return { unlock: await expand("covault/v1/unlock-key"), auth: await expand("covault/v1/auth-key") };
}

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const hpkeKeys = async (secret) => ({
  privateKey: await suite.kem.importKey("raw", secret, false),
  publicKey: await suite.kem.importKey("raw", x25519.getPublicKey(secret), true),
});
const hpkeOpen = async (envelope, recipientSecret, senderPublic, info) => {
  const [encapped, ct] = parts(envelope, "hpke-x25519-a256gcm");
  const recipientKey = await hpkeKeys(recipientSecret);
  const params = { recipientKey, enc: encapped, info };
  if (senderPublic) params.senderPublicKey = await suite.kem.importKey("raw", senderPublic, true);
  return new Uint8Array(await suite.open(params, ct));
};

/**
 * The whole chain, made by covault (module `cv`) and recomputed from the outside. `check(name,
 * ok)` records each comparison. Returns raw key material other checks can reuse.
 */
export async function outsideChain(cv, check, { params = cv.floorKdfParams() } = {}) {
  const passphrase = "correct horse battery staple ✓", userId = "user-7", itemId = "item-1";
  const secret = cv.SecretKey.generate();
  const secretBytes = secretKeyBytes(secret.toPrintable());
  const salt = cv.generateSalt();
  const keys = cv.AccountKeys.derive(passphrase, salt, secret, params);
  const outside = await outsideKeys(passphrase, unb64(salt), secretBytes, params, check);
  check("auth key: covault = Argon2id + HKDF(salt = secret key, \"covault/v1/auth-key\")", keys.authKey === b64(outside.auth));

  const kek = cv.Kek.generate(userId);
  const kekBytes = await aesOpen(outside.unlock, kek.wrap(keys), context("covault/v1/kek", userId));
  check("KEK: covault's wrap opens with the outside unlock key, AAD \"covault/v1/kek\" ‖ user id", kekBytes.length === 32);
  const ownKek = crypto.getRandomValues(new Uint8Array(32));
  const theirs = cv.Kek.unwrap(keys, userId, await aesSeal(outside.unlock, ownKek, context("covault/v1/kek", userId)));
  const probe = cv.Dek.generate();
  check("KEK: covault unwraps a KEK wrapped outside",
    (await aesOpen(ownKek, theirs.wrapDek(probe), context("covault/v1/dek", userId, probe.id))).length === 32);

  const dek = cv.Dek.generate();
  const dekBytes = await aesOpen(kekBytes, kek.wrapDek(dek), context("covault/v1/dek", userId, dek.id));
  check("DEK: covault's wrap opens outside, AAD \"covault/v1/dek\" ‖ user ‖ DEK id", dekBytes.length === 32);
  const slot = dek.encryptSlot(itemId, "password", "s3cret ✓");
  check("slot: opens outside with AAD \"covault/v1/slot\" ‖ item ‖ slot name",
    dec.decode(await aesOpen(dekBytes, slot, context("covault/v1/slot", itemId, "password"))) === "s3cret ✓");
  const [iv, ct] = parts(slot, "a256gcm");
  check("slot: noble's AES-256-GCM ciphertext = covault's", eq(gcm(dekBytes, iv, context("covault/v1/slot", itemId, "password")).encrypt(enc.encode("s3cret ✓")), ct));
  check("slot: covault opens a slot sealed outside", dek.decryptSlot(itemId, "password",
    await aesSeal(dekBytes, enc.encode("from outside"), context("covault/v1/slot", itemId, "password"))) === "from outside");
  const data = crypto.getRandomValues(new Uint8Array(1000));
  check("app data: opens outside with AAD \"covault/v1/app\" ‖ context",
    eq(await aesOpen(dekBytes, dek.encrypt(data, "app/ctx"), context("covault/v1/app", "app/ctx")), data));
  check("app data: covault opens app data sealed outside",
    eq(dek.decrypt(await aesSeal(dekBytes, data, context("covault/v1/app", "app/ctx")), "app/ctx"), data));

  const alice = cv.KeyPair.generate(), bob = cv.KeyPair.generate();
  const secretOf = async (kp) => aesOpen(kekBytes, kek.wrapKeyPair(kp), context("covault/v1/keypair", userId, kp.id));
  const [aliceSecret, bobSecret] = [await secretOf(alice), await secretOf(bob)];
  check("keypair: covault's wrap opens outside, AAD \"covault/v1/keypair\" ‖ user ‖ keypair id; noble derives the same public key",
    b64(x25519.getPublicKey(aliceSecret)) === alice.publicKey && b64(x25519.getPublicKey(bobSecret)) === bob.publicKey);
  const info = context("covault/v1/share", "share-1", "conn-1");
  const shareDek = cv.Dek.generate("share-1");
  const sealed = cv.sealShare(shareDek, bob.publicKey, alice, "share-1", "conn-1");
  const shareDekBytes = await hpkeOpen(sealed, bobSecret, x25519.getPublicKey(aliceSecret), info);
  check("share DEK: hpke-js opens covault's Auth-mode seal (info \"covault/v1/share\" ‖ share ‖ connection)",
    shareDekBytes.length === 32 && dec.decode(await aesOpen(shareDekBytes, shareDek.encryptSlot("i", "s", "v"), context("covault/v1/slot", "i", "s"))) === "v");
  const hSealed = await suite.seal({ recipientPublicKey: (await hpkeKeys(bobSecret)).publicKey, senderKey: await hpkeKeys(aliceSecret), info }, dekBytes);
  const opened = cv.openShare(`cv1.hpke-x25519-a256gcm.${b64(new Uint8Array(hSealed.enc))}.${b64(new Uint8Array(hSealed.ct))}`,
    bob, alice.publicKey, "share-1", "conn-1");
  check("share DEK: covault opens hpke-js's Auth-mode seal", opened.decryptSlot(itemId, "password", slot) === "s3cret ✓");
  return { keys, kek, kekBytes, userId };
}

/** Opens the frozen 0.1 fixture `v` with covault (`cv`) and, independently, from the outside. */
export async function frozenV1(cv, v, check) {
  const keys = cv.AccountKeys.derive(v.passphrase, v.salt, cv.SecretKey.parse(v.secretKey), v.kdfParams);
  check("frozen v1: covault derives the frozen auth key", keys.authKey === v.authKey);
  const kek = cv.Kek.unwrap(keys, v.userId, v.wrappedKek);
  const dek = kek.unwrapDek(v.dekId, v.wrappedDek);
  check("frozen v1: covault opens the slot through KEK and DEK", dek.decryptSlot(v.itemId, v.slotName, v.slot) === v.slotValue);
  check("frozen v1: covault opens the app data", dec.decode(dek.decrypt(v.appData, v.appContext)) === v.slotValue);
  const bob = kek.unwrapKeyPair(v.keyPairId, v.wrappedKeyPair);
  check("frozen v1: covault unwraps the keypair", bob.publicKey === v.publicKey);
  const shareDek = cv.openShare(v.sealedShareDek, bob, v.senderPublicKey, v.shareId, v.connectionId);
  check("frozen v1: covault opens the sealed share DEK", shareDek.id === v.shareId);
  check("frozen v1: covault opens the anonymous seal", dec.decode(cv.openAnonymous(v.sealedAnonymous, bob, v.appContext)) === v.slotValue);

  const outside = await outsideKeys(v.passphrase, unb64(v.salt), secretKeyBytes(v.secretKey), v.kdfParams, check);
  check("frozen v1 outside: Argon2id + HKDF give the frozen auth key", b64(outside.auth) === v.authKey);
  const kekBytes = await aesOpen(outside.unlock, v.wrappedKek, context("covault/v1/kek", v.userId));
  const dekBytes = await aesOpen(kekBytes, v.wrappedDek, context("covault/v1/dek", v.userId, v.dekId));
  check("frozen v1 outside: the slot opens through KEK and DEK",
    dec.decode(await aesOpen(dekBytes, v.slot, context("covault/v1/slot", v.itemId, v.slotName))) === v.slotValue);
  const bobSecret = await aesOpen(kekBytes, v.wrappedKeyPair, context("covault/v1/keypair", v.userId, v.keyPairId));
  check("frozen v1 outside: the keypair's public key", b64(x25519.getPublicKey(bobSecret)) === v.publicKey);
  const shareDekBytes = await hpkeOpen(v.sealedShareDek, bobSecret, unb64(v.senderPublicKey), context("covault/v1/share", v.shareId, v.connectionId));
  check("frozen v1 outside: hpke-js opens the share DEK; the shared slot opens under it",
    dec.decode(await aesOpen(shareDekBytes, v.sharedSlot, context("covault/v1/share-slot", v.shareId, v.slotName))) === v.slotValue);
  check("frozen v1 outside: hpke-js opens the anonymous (Base mode) seal",
    dec.decode(await hpkeOpen(v.sealedAnonymous, bobSecret, null, context("covault/v1/app", v.appContext))) === v.slotValue);
}
