// The primitives demo: derive account keys, encrypt a slot, share it, tamper with it.
import init, * as cv from "/pkg/covault.js";

const $ = (id) => document.getElementById(id);
const show = (id, pairs, cls = "") => {
  const dl = document.createElement("dl");
  if (cls) dl.className = cls;
  for (const [k, v] of pairs) {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = k;
    dd.textContent = v;
    dl.append(dt, dd);
  }
  $(id).replaceChildren(dl);
};
const fail = (id, e) => show(id, [["error", `${e.code ?? e.name}: ${e.message}`]], "bad");

await init();
const state = {};

$("derive").onclick = async () => {
  $("derive").disabled = true;
  show("derive-out", [["status", "running Argon2id (m = 64 MiB, t = 3, p = 4)…"]]);
  await new Promise((r) => setTimeout(r, 30)); // let the status paint before the work blocks
  try {
    state.userId = cv.newId();
    state.secretKey = cv.SecretKey.generate();
    const salt = cv.generateSalt(), params = cv.defaultKdfParams();
    const start = performance.now();
    state.keys = cv.AccountKeys.derive($("passphrase").value, salt, state.secretKey, params);
    const ms = performance.now() - start;
    state.kek = cv.Kek.generate(state.userId);
    show("derive-out", [
      ["recovery kit (secret key)", state.secretKey.toPrintable()],
      ["salt", salt],
      ["Argon2id", `${params.memoryKib} KiB, t=${params.iterations}, p=${params.parallelism}: ${ms.toFixed(0)} ms`],
      ["auth key (sent at login)", state.keys.authKey],
      ["wrapped KEK (stored by the Vault)", state.kek.wrap(state.keys)],
    ]);
    $("encrypt").disabled = false;
  } catch (e) {
    fail("derive-out", e);
  } finally {
    $("derive").disabled = false;
  }
};

$("encrypt").onclick = () => {
  try {
    state.itemId = cv.newId();
    state.dek = cv.Dek.generate();
    state.slot = state.dek.encryptSlot(state.itemId, "password", $("slot-value").value);
    show("encrypt-out", [
      ["item id", state.itemId],
      ["wrapped DEK", state.kek.wrapDek(state.dek)],
      ["slot \u201cpassword\u201d", state.slot],
    ]);
    $("share").disabled = false;
  } catch (e) {
    fail("encrypt-out", e);
  }
};

$("share").onclick = () => {
  try {
    const alice = cv.KeyPair.generate(), bob = cv.KeyPair.generate();
    const shareId = cv.newId(), connectionId = cv.newId();
    const plain = state.dek.decryptSlot(state.itemId, "password", state.slot);
    const shareDek = cv.Dek.generate(shareId);
    state.shared = shareDek.encryptSlot(shareId, "password", plain);
    const sealed = cv.sealShare(shareDek, bob.publicKey, alice, shareId, connectionId);
    const opened = cv.openShare(sealed, bob, alice.publicKey, shareId, connectionId);
    state.bobDek = opened;
    state.shareId = shareId;
    show("share-out", [
      ["Alice's public key", alice.publicKey],
      ["Bob's public key", bob.publicKey],
      ["fingerprint (both see)", cv.fingerprint("alice", alice.publicKey, "bob", bob.publicKey)],
      ["sealed share DEK", sealed],
      ["shared copy", state.shared],
      ["Bob reads", opened.decryptSlot(shareId, "password", state.shared)],
    ]);
    $("tamper").disabled = false;
  } catch (e) {
    fail("share-out", e);
  }
};

$("tamper").onclick = () => {
  const parts = state.shared.split(".");
  const ct = parts[3];
  parts[3] = (ct[0] === "A" ? "B" : "A") + ct.slice(1);
  try {
    state.bobDek.decryptSlot(state.shareId, "password", parts.join("."));
    show("tamper-out", [["result", "decrypted?! this should never happen"]], "bad");
  } catch (e) {
    show("tamper-out", [["tampered envelope", parts.join(".")], ["Bob's client refuses", `${e.name} code=${e.code}: ${e.message}`]], "ok");
  }
};
