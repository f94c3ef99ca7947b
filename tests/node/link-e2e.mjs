// End-to-end test of share links in the demo (www/) in Debian's headless Chromium: Alice makes
// a link in the demo page; it opens in a fresh browser profile with no account (www/link.html),
// stops opening once its views are used, and a passphrase link needs its passphrase. Every
// request the opening page sends is checked: the fragment key never leaves the browser.
// Usage: node tests/node/link-e2e.mjs [path/to/covault-server]
import { launchChromium } from "./chromium.mjs";
import { join } from "node:path";
import { checklist, root, startVault } from "./vault.mjs";

const serverBin = process.argv[2] ?? join(root, "target/debug/covault-server");
const { expect, finish } = checklist();
const { base, stop } = await startVault(serverBin, "links");

const browser = await launchChromium();
const consoleErrors = [];
try {
  // Alice, in the demo page.
  const alice = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  alice.on("pageerror", (e) => consoleErrors.push(String(e)));
  await alice.goto(`${base}/`);
  await alice.waitForSelector("body[data-ready=true]");
  const pane = alice.locator("#alice");
  const stepOut = (s) => pane.locator(`[data-step="${s}"] output`);
  await pane.locator('[data-action="signup"]').click();
  await stepOut("signup").locator(".ok").waitFor({ timeout: 60000 });
  await pane.locator('[data-action="item"]').click();
  await stepOut("item").locator(".ok").waitFor();

  const makeLink = async (views, passphrase) => {
    await pane.locator('input[name="link-views"]').fill(views);
    await pane.locator('input[name="link-passphrase"]').fill(passphrase);
    await stepOut("link").evaluate((o) => o.replaceChildren());
    await pane.locator('[data-action="link"]').click();
    await stepOut("link").locator(".ok").waitFor({ timeout: 60000 });
    return stepOut("link").locator("dd a").getAttribute("href");
  };
  const url = await makeLink("1", "");
  const fragment = url.split("#")[1] ?? "";
  const key = fragment.split(".")[2] ?? "";
  expect("the link's URL opens the link page with the key in its fragment", url.startsWith(`${base}/link.html#cl1.`) && key.length === 43, url);
  const held = await stepOut("link").locator(".vault pre").textContent();
  expect("Alice's pane shows what the Vault holds for the link, without the key", held.includes('"views": 0') && !held.includes(key));

  // A fresh profile, no account: opens once.
  const open = async (link, passphrase) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent = [];
    page.on("request", (r) => sent.push(`${r.url()} ${r.postData() ?? ""}`));
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    await page.goto(link);
    await page.waitForSelector("body[data-ready=true]");
    if (await page.locator("#open").isEnabled()) {
      if (passphrase !== undefined) await page.locator('input[name="passphrase"]').fill(passphrase);
      await page.locator("#open").click();
    }
    await page.locator("#open-link output .ok, #open-link output .error").first().waitFor({ timeout: 60000 });
    const text = await page.locator("#open-link output").textContent();
    await context.close();
    return { text, sent };
  };
  const first = await open(url);
  expect("the link opens in a fresh profile with Alice's values", first.text.includes("Online bank") && first.text.includes("correct horse battery staple") && first.text.includes("alice.smith"), first.text);
  expect("it says who sent it, as sealed", /Sent by alice-[a-z0-9]+@example\.com/.test(first.text), first.text);
  expect("it says which view this was", first.text.includes("view 1 of 1"), first.text);
  expect("the opening page never sends the key", first.sent.length > 0 && first.sent.every((s) => !s.includes(key) && !s.includes(fragment)),
    first.sent.filter((s) => s.includes(key)).join(" | "));
  const second = await open(url);
  expect("a second view is refused: the link is used up", second.text.includes("does not exist any more"), second.text);

  // A passphrase link (default Argon2id parameters, in the browser).
  const locked = await makeLink("", "told by phone");
  const wrong = await open(locked, "a guess");
  expect("a wrong passphrase is refused", wrong.text.includes("Wrong passphrase"), wrong.text);
  const right = await open(locked, "told by phone");
  expect("the right passphrase opens it", right.text.includes("correct horse battery staple"), right.text);

  // A damaged link is a readable error.
  const damaged = await open(url.slice(0, -10));
  expect("a damaged URL says so", damaged.text.includes("not a complete covault link"), damaged.text);
  expect("no page errors", consoleErrors.length === 0, consoleErrors.join(" | "));
} catch (e) {
  expect(`the flow ran to the end (${e.message.split("\n")[0]})`, false);
} finally {
  await browser.close();
  stop();
}
finish("links");
