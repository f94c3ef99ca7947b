// End-to-end test of the demo page (www/) in Debian's headless Chromium: a fresh covault-server
// on SQLite serves the page and pkg/; the test clicks through the whole guide as a person would
// and checks what each pane shows. Fails on any console error outside the steps that provoke
// an error on purpose. Saves a screenshot of the finished flow to target/demo/finished.png.
// Usage: node tests/node/demo-e2e.mjs [path/to/covault-server]
import { launchChromium } from "./chromium.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { checklist, root, startVault } from "./vault.mjs";

const serverBin = process.argv[2] ?? join(root, "target/debug/covault-server");
const { expect, finish } = checklist();
const { base, server, stop } = await startVault(serverBin, "demo");

const browser = await launchChromium();
const consoleErrors = [];
let expectingErrors = false;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // A deliberate wrong passphrase or deleted share makes Chromium log the 4xx it received.
    if (expectingErrors && /status of (401|404)/.test(m.text())) return;
    consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(`${base}/`);
  await page.waitForSelector("body[data-ready=true]");
  expect("the page finds the Vault", (await page.textContent("#vault-status")) === "reachable");

  const pane = (who) => page.locator(`#${who}`);
  const stepOut = (who, s) => pane(who).locator(`[data-step="${s}"] output`);
  const click = async (who, action) => pane(who).locator(`[data-action="${action}"]`).click();

  // Sign up both (Argon2id at the default parameters, in the browser).
  await click("alice", "signup");
  await click("bob", "signup");
  for (const who of ["alice", "bob"]) {
    await stepOut(who, "signup").locator(".ok").waitFor({ timeout: 60000 });
    const kit = await stepOut(who, "signup").locator("dd").first().textContent();
    expect(`${who}'s recovery kit shows a secret key`, /^CV1-[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/.test(kit), kit);
    const held = await stepOut(who, "signup").locator(".vault pre").textContent();
    expect(`${who}'s pane shows the wrapped KEK the Vault holds`, held.includes('"wrappedKek": "cv1.a256gcm.'));
  }

  // Alice's item.
  // With a file attached: 1.5 MiB, so two chunks.
  const fileText = "covault demo attachment\n".repeat(65536);
  await pane("alice").locator('input[name="file"]').setInputFiles({ name: "scan.txt", mimeType: "text/plain", buffer: Buffer.from(fileText) });
  await click("alice", "item");
  await stepOut("alice", "item").locator(".ok").waitFor();
  expect("Alice's item names the attached file", (await stepOut("alice", "item").textContent()).includes("scan.txt: 1572864 bytes in 2 encrypted chunk(s)"));
  const itemHeld = await stepOut("alice", "item").locator(".vault pre").textContent();
  expect("the Vault holds only ciphertext for the item", !itemHeld.includes("correct horse") && itemHeld.includes("cv1.a256gcm."));

  // Invite, accept, fingerprints.
  await click("alice", "invite");
  await stepOut("alice", "invite").locator(".ok").waitFor();
  await click("bob", "accept");
  await stepOut("bob", "accept").locator(".ok").waitFor();
  await pane("alice").locator(".fingerprint code").waitFor();
  const fa = await pane("alice").locator(".fingerprint code").textContent();
  const fb = await pane("bob").locator(".fingerprint code").textContent();
  expect("both panes show the safety number (12 groups of 5 digits), and they match", /^\d{5}( \d{5}){11}$/.test(fa) && fa === fb, `${fa} / ${fb}`);
  await pane("alice").locator(".fingerprint").getByRole("button", { name: "They match: mark verified" }).click();
  await pane("alice").locator(".fingerprint .verified").waitFor();
  expect("Alice marks the connection verified after comparing", (await pane("alice").locator(".fingerprint").textContent()).includes("verified ✓"));

  // Alice shares with terms; Bob's list updates; Bob reads exactly Alice's slot values.
  await pane("alice").locator('input[name="terms"]').fill("Do not forward");
  await click("alice", "share");
  await stepOut("alice", "share").locator(".ok").waitFor();
  const sharedHeld = await stepOut("alice", "share").locator(".vault pre").textContent();
  expect("the Vault holds the sealed DEK and ciphertext for the share", sharedHeld.includes("cv1.hpke-x25519-a256gcm.") && !sharedHeld.includes("alice.smith"));
  await click("bob", "incoming");
  const bobShare = stepOut("bob", "incoming").locator("li").first();
  await bobShare.waitFor();
  expect("Bob's incoming list shows the share from Alice with its terms", (await bobShare.textContent()).includes("sealed them: Do not forward"));
  await bobShare.getByRole("button", { name: "Read" }).click();
  await bobShare.locator(".detail .ok").waitFor();
  const names = await bobShare.locator(".detail dt").allTextContents();
  const values = await bobShare.locator(".detail dd").allTextContents();
  const seen = Object.fromEntries(names.map((n, i) => [n, values[i]]));
  const written = { username: "alice.smith", password: "correct horse battery staple", pin: "4921" };
  await bobShare.getByRole("button", { name: "Download scan.txt" }).click();
  const link = bobShare.locator(".detail a.file-ok");
  await link.waitFor();
  const downloaded = await link.evaluate(async (a) => (await fetch(a.href)).text());
  expect("Bob downloads exactly Alice's file through the share", downloaded === fileText);
  expect("Bob sees exactly Alice's slot values", JSON.stringify(seen, Object.keys(written).sort()) === JSON.stringify(written, Object.keys(written).sort()) && names.length === 3, JSON.stringify(seen));

  // Alice's outgoing list.
  await click("alice", "outgoing");
  await stepOut("alice", "outgoing").locator("li").first().waitFor();
  expect("Alice's outgoing list shows the share", (await stepOut("alice", "outgoing").locator("li").count()) === 1);
  await page.screenshot({ path: join(root, "target/demo/shared.png"), fullPage: true }).catch(() => {});

  // A wrong passphrase is a readable error, and the button is usable again. Argon2id (default
  // parameters) runs in a Worker: the page's main thread only waits for it.
  expectingErrors = true;
  const workerDerivations = () => page.evaluate(() => import("/pkg/covault.js").then((m) => m.kdfWorkerDerivations()));
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => Math.round(e.duration))))
      .observe({ type: "longtask" });
  });
  const derivedBefore = await workerDerivations();
  await pane("bob").locator('input[name="login-passphrase"]').fill("not bob's passphrase");
  await click("bob", "login");
  await stepOut("bob", "login").locator(".error").waitFor({ timeout: 60000 });
  const derivedAfter = await workerDerivations();
  expect("sign-up ran Argon2id in a Worker, not on the page's main thread", derivedBefore === 2, `${derivedBefore} of 2 sign-ups`);
  expect("login ran Argon2id in a Worker, not on the page's main thread", derivedAfter === derivedBefore + 1,
    `${derivedAfter - derivedBefore} worker derivations during login`);
  const longTasks = await page.evaluate(() => window.__longTasks);
  console.log(`     long tasks (> 50 ms) on the page's main thread during login: ${longTasks.length ? `${longTasks.join(", ")} ms` : "none"}`);
  expect("a wrong passphrase says so", (await stepOut("bob", "login").textContent()).includes("Wrong passphrase"));
  expect("nothing is left hanging after an error", await pane("bob").locator('[data-action="login"]').isEnabled());

  // Bob deletes: the share disappears from both panes; reading it now is a readable error.
  await bobShare.getByRole("button", { name: "Delete" }).click();
  await stepOut("bob", "incoming").locator(".empty").waitFor();
  await stepOut("alice", "outgoing").locator(".empty").waitFor();
  expect("the delete removes the share from both panes", true);
  expectingErrors = false;

  // A device that remembers: Bob logs in with the secret key (filled in from his recovery kit)
  // and "Remember this device", logs out, and logs in again with the passphrase alone.
  const bobSecret = pane("bob").locator('input[name="login-secret"]');
  await pane("bob").locator('input[name="login-passphrase"]').fill("bob's long passphrase");
  await pane("bob").locator('input[name="remember"]').check();
  await click("bob", "login");
  await stepOut("bob", "login").getByText("remembers the secret key (sealed").waitFor({ timeout: 60000 });
  expect("a login with the secret key and \"Remember this device\" remembers it", true);
  await click("bob", "logout");
  await stepOut("bob", "login").getByText("logged out").waitFor();
  expect("after logging out, the secret-key field is empty and not required",
    (await bobSecret.inputValue()) === "" && !(await bobSecret.evaluate((e) => e.required)));
  await pane("bob").locator('input[name="remember"]').uncheck();
  await click("bob", "login");
  await stepOut("bob", "login").getByText("the one this device remembers").waitFor({ timeout: 60000 });
  expect("the second login needs only the passphrase", (await stepOut("bob", "login").textContent()).includes(`Logged in as bob-`));
  const sealedOnly = await page.evaluate(async (email) => {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open("covault-device"); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    const all = await new Promise((ok) => { const r = db.transaction("secret-keys").objectStore("secret-keys").getAll(); r.onsuccess = () => ok(r.result); });
    db.close();
    const mine = all.filter((r) => r.email === email);
    return mine.length === 1 && mine[0].key instanceof CryptoKey && !mine[0].key.extractable && mine[0].sealed instanceof Uint8Array;
  }, await pane("bob").locator('input[name="email"]').inputValue());
  expect("IndexedDB holds one sealed record for Bob, under a non-extractable key", sealedOnly);

  // Alice shares one slot only; Bob sees just that slot, then rejects the share, and Alice's
  // list says so (proven by Bob's receipt).
  await pane("alice").locator('input[name="terms"]').fill("");
  await pane("alice").locator('input[name="share-slots"]').fill("pin");
  await click("alice", "share");
  await stepOut("alice", "share").locator(".ok").waitFor();
  await click("bob", "incoming");
  const onlyPin = stepOut("bob", "incoming").locator("li").first();
  await onlyPin.waitFor();
  await onlyPin.getByRole("button", { name: "Read" }).click();
  await onlyPin.locator(".detail .ok").waitFor();
  const pinNames = await onlyPin.locator(".detail dt").allTextContents();
  expect("a share of one slot shows Bob only that slot", JSON.stringify(pinNames) === '["pin"]', JSON.stringify(pinNames));
  await onlyPin.getByRole("button", { name: "Reject" }).click();
  await stepOut("alice", "outgoing").getByText("rejected by Bob").waitFor();
  expect("Alice sees Bob's rejection", true);

  // Bob's device forgets: the secret key is needed again.
  await click("bob", "forget");
  await stepOut("bob", "login").getByText("This device forgot the secret key.").waitFor();
  expect("Forget this device forgets, and the secret key is required again", await bobSecret.evaluate((e) => e.required));

  // The finished flow, for docs/.
  mkdirSync(join(root, "target/demo"), { recursive: true });
  await page.screenshot({ path: join(root, "target/demo/finished.png"), fullPage: true });

  // Keyboard: every control is reachable with Tab.
  const focusable = await page.$$eval("button, input, textarea, a[href], summary", (els) => els.every((e) => e.tabIndex >= 0));
  expect("every control is keyboard-focusable", focusable);

  // A narrow screen: the panes stack and nothing overflows sideways.
  await page.setViewportSize({ width: 390, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect("the layout fits a narrow screen", overflow <= 0, `${overflow}px too wide`);
  await page.screenshot({ path: join(root, "target/demo/narrow.png"), fullPage: false });

  // The Vault goes down: a readable error, not a hang.
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  expectingErrors = true;
  await page.setViewportSize({ width: 1400, height: 1000 });
  await pane("alice").locator('input[name="login-passphrase"]').fill("alice's long passphrase");
  const downErrors = consoleErrors.length;
  page.removeAllListeners("console");
  page.on("console", (m) => m.type() === "error" && !/ERR_CONNECTION_REFUSED|Failed to fetch/.test(m.text()) && consoleErrors.push(m.text()));
  await click("alice", "login");
  await stepOut("alice", "login").locator(".error").waitFor({ timeout: 60000 });
  expect("a Vault that is down is a readable error", (await stepOut("alice", "login").textContent()).includes("Cannot reach the Vault"));
  expect("no console errors", consoleErrors.length === 0 && downErrors === 0, consoleErrors.join(" | "));
} catch (e) {
  expect(`the flow ran to the end (${e.message.split("\n")[0]})`, false);
  const page = browser.contexts()[0]?.pages()[0];
  if (page) {
    mkdirSync(join(root, "target/demo"), { recursive: true });
    await page.screenshot({ path: join(root, "target/demo/failure.png"), fullPage: true }).catch(() => {});
    console.log("screenshot of the failure: target/demo/failure.png");
  }
} finally {
  await browser.close();
  stop();
}
finish("demo");
