// A web app using covault exactly as it would from npm: `import … from "covault"`, bundled by
// Vite, which also copies the .wasm file that the package loads relative to its module.
import init, { Dek, KeyPair, fingerprint, openShare, sealShare } from "covault";

const out = document.getElementById("out");
try {
  await init();
  const alice = KeyPair.generate();
  const bob = KeyPair.generate();
  const dek = Dek.generate("share-1");
  const copy = dek.encryptSlot("share-1", "note", "hello from a Vite app");
  const sealed = sealShare(dek, bob.publicKey, alice, "share-1", "conn-1");
  const opened = openShare(sealed, bob, alice.publicKey, "share-1", "conn-1");
  const text = opened.decryptSlot("share-1", "note", copy);
  out.textContent = `${text} (fingerprint ${fingerprint("alice", alice.publicKey, "bob", bob.publicKey)})`;
  document.body.dataset.result = text;
} catch (e) {
  out.textContent = `failed: ${e.code ?? ""} ${e.message}`;
  document.body.dataset.result = "error";
}
