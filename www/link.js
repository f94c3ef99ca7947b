// The "open a link" view: a share link opened without an account. Every step runs in this
// page's WebAssembly module: the key comes from location.hash and never leaves the browser.
import init, { openLink, linkNeedsPassphrase } from "/pkg/covault.js";

const out = document.querySelector("#open-link output");
const button = document.getElementById("open");
const passphrase = document.querySelector('input[name="passphrase"]');
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

const messages = {
  NotFound: "This link does not exist any more: it expired, was revoked, or was opened as often as its sender allowed.",
  Unauthorized: "Wrong passphrase. Ask the sender again (wrong guesses make the Vault wait before the next).",
  RateLimited: "Too many attempts from here: wait a little and try again.",
  Expired: "This link has expired (by the date its sender sealed into it).",
  Integrity: "This link's content was altered or does not belong to this link; nothing is shown.",
  LinkFormat: "This address is not a complete covault link: copy the whole address, including the part after #.",
  Network: "Cannot reach the Vault.",
};
const explain = (e) => messages[e?.code] ?? `${e?.message ?? e}`;

function show(view) {
  const dl = el("dl");
  for (const [name, value] of Object.entries(view.slots)) {
    dl.append(el("dt", { textContent: name }), el("dd", { textContent: value }));
  }
  const limit = view.maxViews === null ? "no view limit" : `view ${view.views} of ${view.maxViews}`;
  out.replaceChildren(el("div", { className: "result" },
    el("div", {},
      el("p", { className: "ok", textContent: view.label }),
      dl,
      el("p", { className: "hint", id: "sender" },
        "Sent by ", el("strong", { textContent: view.senderEmail }),
        ` (user ${view.senderId}), as sealed in the link: trust this as far as you trust whoever gave you the link.`),
      el("p", { className: "hint", textContent: `Expires ${view.expiresAt} · ${limit}.` }))));
}

async function open() {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  out.replaceChildren(el("p", { className: "working", textContent: "Opening…" }));
  try {
    show(await openLink(location.href, passphrase.closest("label").hidden ? undefined : passphrase.value));
  } catch (e) {
    out.replaceChildren(el("p", { className: "error", role: "alert", textContent: explain(e) }));
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

async function main() {
  await init();
  let needs;
  try {
    needs = linkNeedsPassphrase(location.href);
  } catch (e) {
    out.replaceChildren(el("p", { className: "error", role: "alert", textContent: explain(e) }));
    document.body.dataset.ready = "true";
    return;
  }
  document.getElementById("passphrase-label").hidden = !needs;
  document.getElementById("link-about").textContent = needs
    ? "This link also needs a passphrase, which the sender tells you another way. Opening it counts as one view."
    : "Opening it counts as one view.";
  button.disabled = false;
  button.addEventListener("click", open);
  document.body.dataset.ready = "true";
}

main().catch((e) => out.replaceChildren(el("p", { className: "error", textContent: explain(e) })));
