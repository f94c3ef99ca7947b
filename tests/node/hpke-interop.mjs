// HPKE interop peer for tests/hpke_interop.rs: an independent RFC 9180 implementation
// (@hpke/core with @hpke/dhkem-x25519) that seals for, and opens what was sealed by, covault.
// Reads one JSON request on stdin, writes one JSON response on stdout. Byte fields are base64url.
import { Aes256Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";

const b64 = (bytes) => Buffer.from(bytes).toString("base64url");
const bin = (text) => new Uint8Array(Buffer.from(text, "base64url"));

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

async function keyPair(privateKey, publicKey) {
  return {
    privateKey: await suite.kem.importKey("raw", bin(privateKey), false),
    publicKey: await suite.kem.importKey("raw", bin(publicKey), true),
  };
}

async function handle(req) {
  const info = bin(req.info);
  if (req.op === "seal") {
    const params = {
      recipientPublicKey: await suite.kem.importKey("raw", bin(req.recipientPublic), true),
      info,
    };
    if (req.mode === "auth") params.senderKey = await keyPair(req.senderPrivate, req.senderPublic);
    const { ct, enc } = await suite.seal(params, bin(req.plaintext));
    return { enc: b64(new Uint8Array(enc)), ciphertext: b64(new Uint8Array(ct)) };
  }
  if (req.op === "open") {
    const params = {
      recipientKey: await keyPair(req.recipientPrivate, req.recipientPublic),
      enc: bin(req.enc),
      info,
    };
    if (req.mode === "auth") params.senderPublicKey = await suite.kem.importKey("raw", bin(req.senderPublic), true);
    try {
      const pt = await suite.open(params, bin(req.ciphertext));
      return { plaintext: b64(new Uint8Array(pt)) };
    } catch (e) {
      return { error: e.name };
    }
  }
  throw new Error(`unknown op ${req.op}`);
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const requests = JSON.parse(input);
const responses = [];
for (const req of requests) responses.push(await handle(req));
process.stdout.write(JSON.stringify(responses));
