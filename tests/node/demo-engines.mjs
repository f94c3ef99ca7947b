// The demo page's core flow in Firefox ESR or WebKitGTK, through plain WebDriver
// (./webdriver.mjs; playwright-core cannot drive these browsers here, see README "Browsers,
// engines and Web Workers"): a fresh covault-server on SQLite serves www/ and pkg/, and a script
// in the page clicks the demo's buttons as a person would (sign up both at the default Argon2id
// parameters, item, invite, accept, share, Bob lists and reads) and reports what the panes show.
// The full click-through, with errors, layout and console checks, is demo-e2e.mjs (Chromium).
// Usage: node tests/node/demo-engines.mjs path/to/covault-server firefox|webkit
import { checklist, startVault } from "./vault.mjs";
import { openBrowser } from "./webdriver.mjs";

const [serverBin, engine] = process.argv.slice(2);
const { expect, finish } = checklist();

/** Runs in the page: the demo's buttons, clicked in order. */
async function demoFlow() {
  const wait = async (fn, what) => {
    const start = Date.now();
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() - start > 120000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const pane = (who) => document.getElementById(who);
  const out = (who, step) => pane(who).querySelector(`[data-step="${step}"] output`);
  const click = async (who, action) => {
    const button = pane(who).querySelector(`[data-action="${action}"]`);
    await wait(() => !button.disabled, `${who}'s ${action} button`);
    button.click();
  };
  const done = (who, step) => wait(() => {
    const error = out(who, step).querySelector(".error");
    if (error) throw new Error(`${who} ${step}: ${error.textContent}`);
    return out(who, step).querySelector(".ok");
  }, `${who}'s ${step}`);
  const button = (el, name) => [...el.querySelectorAll("button")].find((b) => b.textContent.trim() === name);

  await wait(() => document.body.dataset.ready === "true", "the page");
  await click("alice", "signup");
  await click("bob", "signup");
  await done("alice", "signup");
  await done("bob", "signup");
  const kit = out("alice", "signup").querySelector("dd").textContent;
  await click("alice", "item");
  await done("alice", "item");
  await click("alice", "invite");
  await done("alice", "invite");
  await click("bob", "accept");
  await done("bob", "accept");
  const fingerprint = (who) => wait(() => pane(who).querySelector(".fingerprint code")?.textContent, `${who}'s safety number`);
  const [fa, fb] = [await fingerprint("alice"), await fingerprint("bob")];
  await click("alice", "share");
  await done("alice", "share");
  // The share step refreshes both listings after it shows its result; let it finish.
  const shareButton = pane("alice").querySelector('[data-action="share"]');
  await wait(() => !shareButton.disabled, "Alice's share step to finish");
  await click("bob", "incoming");
  const li = () => out("bob", "incoming").querySelector("li");
  await wait(li, "Bob's incoming share");
  button(li(), "Read").click();
  await wait(() => {
    const error = li()?.querySelector(".detail .error");
    if (error) throw new Error(`Bob's read: ${error.textContent}`);
    return li()?.querySelector(".detail .ok");
  }, "the opened share");
  const names = [...li().querySelectorAll(".detail dt")].map((e) => e.textContent);
  const values = [...li().querySelectorAll(".detail dd")].map((e) => e.textContent);
  return { kit, fa, fb, seen: Object.fromEntries(names.map((n, i) => [n, values[i]])) };
}

const { base, stop } = await startVault(serverBin, "demo-engines");

try {
  const browser = await openBrowser(engine);
  try {
    console.log(`in ${browser.name}`);
    await browser.goto(`${base}/`);
    const { value: r, error } = await browser.run(demoFlow);
    if (error) throw new Error(error);
    expect("Alice's recovery kit shows a secret key", /^CV1-[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/.test(r.kit), r.kit);
    expect("both panes show the same safety number", /^\d{5}( \d{5}){11}$/.test(r.fa) && r.fa === r.fb, `${r.fa} / ${r.fb}`);
    const written = { username: "alice.smith", password: "correct horse battery staple", pin: "4921" };
    const keys = Object.keys(written).sort();
    expect("Bob sees exactly Alice's slot values",
      JSON.stringify(r.seen, keys) === JSON.stringify(written, keys) && Object.keys(r.seen).length === 3, JSON.stringify(r.seen));
  } finally {
    await browser.close();
  }
} catch (e) {
  expect("the demo flow runs", false, e?.stack ?? String(e));
} finally {
  stop();
}
finish(`demo (${engine})`, 3);
