// The guide's flow from Node, through the published package: test.sh packs pkg/, installs the
// tarball into a scratch app and runs this file there, so `import … from "covault"` goes
// through the package's exports map (its "node" condition) exactly as a user's would.
// Usage (from the scratch app): node node-guide.mjs PATH/TO/covault-server
import init, { Covault, floorKdfParams } from "covault";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let passed = 0, failed = 0;
const expect = (name, ok, detail = "") => {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : `: ${detail}`}`);
  ok ? passed++ : failed++;
};

const dir = mkdtempSync(join(tmpdir(), "covault-node-"));
const server = spawn(process.argv[2], ["--listen", "127.0.0.1:0", "--database-url",
  `sqlite://${join(dir, "node.db")}`, "--log", "error"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((ok, fail) => {
  server.stdout.on("data", (d) => {
    const m = String(d).match(/http:\/\/[0-9.:]+/);
    if (m) ok(m[0]);
  });
  server.on("exit", (code) => fail(new Error(`covault-server exited with ${code}`)));
});

try {
  await init(); // no argument: the Node entry reads covault_bg.wasm from the package
  expect("init() with no argument loads the module in Node", true);
  const opts = { kdf: floorKdfParams() };
  const alice = await Covault.signup(url, "alice@example.com", "alice's passphrase", opts);
  const bob = await Covault.signup(url, "bob@example.com", "bob's passphrase", opts);
  const item = await alice.createItem("Bank", { username: "alice", password: "hunter2 ✓" });
  const invitation = await alice.invite("bob@example.com");
  const connection = await bob.acceptInvitation(invitation.id, invitation.token);
  const seen = (await alice.connections()).find((c) => c.id === connection.id);
  expect("both sides see the same safety number", seen?.fingerprint === connection.fingerprint);
  const share = await alice.shareItem(item.id, connection.id, {});
  const { item: copy } = await bob.readShare(share.id);
  expect("Bob reads exactly Alice's slots", JSON.stringify(copy.slots) === JSON.stringify(item.slots),
    JSON.stringify(copy.slots));
  const all = await bob.readAllIncoming();
  expect("readAllIncoming opens it", all.length === 1 && all[0].error === null && all[0].item.label === "Bank");
  const trimmed = await alice.removeSlot(item.id, "username");
  expect("removeSlot writes the next version without the slot",
    trimmed.version === item.version + 1 && !("username" in trimmed.slots) && trimmed.slots.password === "hunter2 ✓");
  let missing = "none";
  try { await alice.removeSlot(item.id, "username"); } catch (e) { missing = e.code; }
  expect("removing a slot that is not there is InvalidInput", missing === "InvalidInput", missing);
  const again = await Covault.login(url, "bob@example.com", "bob's passphrase", bob.recoveryKit.secretKey, opts);
  expect("Bob logs in again with his secret key", (await again.readShare(share.id)).item.slots.password === "hunter2 ✓");
  let code = "none";
  try {
    await Covault.login(url, "bob@example.com", "not his passphrase", bob.recoveryKit.secretKey, opts);
  } catch (e) {
    code = `${e instanceof Error}:${e.name}:${e.code}`;
  }
  expect("a wrong passphrase is a CovaultError with code Unauthorized", code === "true:CovaultError:Unauthorized", code);
  // Node has no IndexedDB: nothing is remembered, and asking to remember says so before any work.
  const codeOf = (p) => p.then(() => "none", (e) => e.code);
  const steps = [];
  const notRemembered = [
    await codeOf(Covault.login(url, "bob@example.com", "bob's passphrase")),
    await codeOf(Covault.login(url, "bob@example.com", "bob's passphrase", bob.recoveryKit.secretKey,
      { rememberDevice: true, onProgress: (step) => steps.push(step) })),
  ];
  expect("in Node, login without a secret key or with rememberDevice is NotRemembered (before any key derivation)",
    notRemembered.every((c) => c === "NotRemembered") && steps.length === 0, `${notRemembered.join(", ")}; ${steps.join(", ")}`);
  expect("in Node, nothing is remembered or forgotten",
    (await Covault.isRemembered(url, "bob@example.com")) === false && (await Covault.forgetDevice(url, "bob@example.com")) === false);
} catch (e) {
  expect("the guide runs", false, e?.stack ?? String(e));
} finally {
  server.kill();
}
console.log(`node: ${passed} passed, ${failed} failed`);
process.exit(failed || passed < 10 ? 1 : 0);
