// The Vault client inside a module worker (www/client-worker.js), against a fresh covault-server
// on SQLite that serves www/ and pkg/: the guide's flow through two workers (Alice's and Bob's
// sessions), errors keeping their CovaultError code across the message boundary, and the page
// itself never loading the wasm module. In Chromium through playwright-core (also the page's own
// button at default Argon2id parameters, and no console errors); in Firefox ESR or WebKitGTK
// the same flow through plain WebDriver (./webdriver.mjs), which cannot read the console.
// Usage: node tests/node/worker-e2e.mjs [path/to/covault-server] [chromium|firefox|webkit]
import { launchChromium } from "./chromium.mjs";
import { openBrowser } from "./webdriver.mjs";
import { join } from "node:path";
import { checklist, root, startVault } from "./vault.mjs";

const serverBin = process.argv[2] ?? join(root, "target/debug/covault-server");
const engine = process.argv[3] ?? "chromium";
const { expect, finish } = checklist();

/** The guide through two workers, run in the page. */
async function workerFlow() {
  const { startCovaultWorker } = await import("/worker-client.js");
  const alice = startCovaultWorker(), bob = startCovaultWorker(), other = startCovaultWorker();
  const codeOf = (p) => p.then(() => "none", (e) => `${e instanceof Error}:${e.name}:${e.code}`);
  const opts = { kdf: await alice.call("floorKdfParams") };
  const tag = crypto.randomUUID().slice(0, 8);
  const [ae, be] = [`alice-${tag}@example.com`, `bob-${tag}@example.com`];
  const inWorker = await alice.call("inWorker");
  const noSession = await codeOf(other.call("listItems"));
  const ka = await alice.call("signup", location.origin, ae, "alice's passphrase", opts);
  const kb = await bob.call("signup", location.origin, be, "bob's passphrase", opts);
  const item = await alice.call("createItem", "Bank", { username: "alice", password: "hunter2 ✓" });
  const invitation = await alice.call("invite", be);
  const connection = await bob.call("acceptInvitation", invitation.id, invitation.token);
  const seen = (await alice.call("connections")).find((c) => c.id === connection.id);
  const share = await alice.call("shareItem", item.id, connection.id, {});
  const { item: copy } = await bob.call("readShare", share.id);
  const wrong = await codeOf(other.call("login", location.origin, be, "not his passphrase", kb.recoveryKit.secretKey, opts));
  await other.call("login", location.origin, be, "bob's passphrase", kb.recoveryKit.secretKey, { rememberDevice: true });
  const again = await other.call("readShare", share.id);
  // A device that remembers, from workers: a fresh one logs in with the passphrase alone.
  const remembered = await other.call("isRemembered", location.origin, be);
  const fresh = startCovaultWorker();
  await fresh.call("login", location.origin, be, "bob's passphrase");
  const rememberedRead = (await fresh.call("readShare", share.id)).item.slots.password;
  const forgot = await fresh.call("forgetDevice", location.origin, be);
  const notRemembered = await codeOf(fresh.call("login", location.origin, be, "bob's passphrase"));
  fresh.terminate();
  const badMethod = await codeOf(alice.call("constructor"));
  for (const w of [alice, bob, other]) w.terminate();
  return {
    inWorker, noSession, wrong, badMethod, remembered, rememberedRead, forgot, notRemembered,
    kit: /^CV1-/.test(ka.recoveryKit.secretKey),
    fingerprints: seen?.fingerprint === connection.fingerprint,
    slots: JSON.stringify(copy.slots) === JSON.stringify(item.slots),
    again: again.item.slots.password,
    pageLoadedWasm: performance.getEntriesByType("resource").some((e) => e.name.includes("covault_bg.wasm")),
  };
}

/** What the flow must show, in every engine. */
function check(r) {
  expect("the client runs in a worker scope", r.inWorker === true);
  expect("sign-up in the worker returns the recovery kit", r.kit);
  expect("both workers see the same safety number", r.fingerprints);
  expect("Bob's worker reads exactly Alice's slots", r.slots);
  expect("a wrong passphrase comes back as a CovaultError with code Unauthorized",
    r.wrong === "true:CovaultError:Unauthorized", r.wrong);
  expect("a log-in replaces the worker's session and reads the share", r.again === "hunter2 ✓", r.again);
  expect("a log-in with rememberDevice in a worker remembers the secret key", r.remembered === true);
  expect("another worker logs in with the passphrase alone and reads the share", r.rememberedRead === "hunter2 ✓", r.rememberedRead);
  expect("forgetDevice in a worker forgets, and then the secret key is needed (NotRemembered)",
    r.forgot === true && r.notRemembered === "true:CovaultError:NotRemembered", `${r.forgot} ${r.notRemembered}`);
    expect("a call before sign-up is refused (NoSession)", r.noSession === "true:NoSession:undefined", r.noSession);
  expect("only the session's own methods can be called", r.badMethod === "true:NoSuchMethod:undefined", r.badMethod);
  expect("the page itself never loads the wasm module", r.pageLoadedWasm === false);
}

const { base, stop } = await startVault(serverBin, "worker");

/** Firefox or WebKitGTK: the flow only. */
async function runOverWebDriver() {
  const browser = await openBrowser(engine);
  try {
    console.log(`in ${browser.name}`);
    await browser.goto(`${base}/client-worker.html`);
    const { value, error } = await browser.run(workerFlow);
    if (error) expect("the worker flow runs", false, error);
    else check(value);
  } finally {
    await browser.close();
  }
}

async function runInChromium() {
  const browser = await launchChromium();
  const consoleErrors = [];
  try {
    const page = await browser.newPage();
    page.on("console", (m) => {
      // The deliberate wrong passphrase makes Chromium log the 401 it received.
      if (m.type() === "error" && !/status of 401/.test(m.text())) consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    await page.goto(`${base}/client-worker.html`);
    await page.waitForSelector("body[data-ready=true]");

    const r = await page.evaluate(workerFlow);
    check(r);

    // The page's own button: default Argon2id parameters, in the worker.
    await page.click("#run");
    await page.waitForFunction(() => /read back|Error/.test(document.getElementById("out").textContent), null, { timeout: 120000 });
    const out = await page.textContent("#out");
    expect("the page's button signs up with default parameters and reads the item back",
      out.includes("in a worker: true") && out.includes("read back: kept by the worker"), out);
    expect(`no console errors${consoleErrors.length ? `: ${consoleErrors.join("; ")}` : ""}`, consoleErrors.length === 0);
  } finally {
    await browser.close();
  }
}

try {
  await (engine === "chromium" ? runInChromium() : runOverWebDriver());
} catch (e) {
  expect("the worker flow runs", false, e?.stack ?? String(e));
} finally {
  stop();
}
finish(`worker (${engine})`, engine === "chromium" ? 14 : 12);
