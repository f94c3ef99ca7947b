// The Alice and Bob demo: the whole guide in one page, against the Vault that serves it.
// Plain ES modules, no build step: the page is served as-is, and the wasm package is too.
import init, { Covault } from "/pkg/covault.js";

const VAULT = location.origin;
const panes = { alice: document.getElementById("alice"), bob: document.getElementById("bob") };
// The "log in again" step, the same in both panes but for the name on its button.
for (const [pane, name] of [["alice", "Alice"], ["bob", "Bob"]]) {
  const login = document.getElementById("login-step").content.cloneNode(true);
  login.querySelector('[data-action="login"]').textContent = `Log in as ${name}`;
  panes[pane].append(login);
}
const state = { alice: null, bob: null, kits: {}, emails: {}, invitation: null, connectionId: null, itemId: null };

const $ = (pane, sel) => panes[pane].querySelector(sel);
const step = (pane, name) => panes[pane].querySelector(`[data-step="${name}"]`);
const el = (tag, { dataset, ...props } = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset ?? {});
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

/** A readable sentence for every error the client can throw. */
function explain(e) {
  const messages = {
    Network: `Cannot reach the Vault at ${VAULT}. Is covault-server running?`,
    Unauthorized: "Wrong passphrase or secret key (or the session has ended).",
    NotFound: "Not found: it was deleted, has expired, or is not yours.",
    Conflict: "That already exists (is this email already signed up?).",
    Gone: "This invitation was already used or has expired.",
    RateLimited: "Too many failed logins: wait a few minutes.",
    Integrity: "Integrity check failed: the data was tampered with, or opened with the wrong key.",
    KdfTooWeak: "The Vault offered key-derivation parameters below the safe floor; refused.",
    NotAccepted: "Accept the share first.",
    KeyMismatch: "The keys on this connection are not the ones pinned or compared: a key was substituted.",
    Rollback: "The Vault served older data than this browser has already seen; it may be compromised.",
    Expired: "This share has expired.",
    NotRemembered: "This device does not remember the secret key for this account: enter it from the recovery kit.",
  };
  return messages[e?.code] ?? `${e?.message ?? e}`;
}

function show(pane, name, ...nodes) {
  step(pane, name).querySelector("output").replaceChildren(...nodes);
}

/** Shows a result beside what the Vault holds for it. */
function result(title, rows, vault) {
  const dl = el("dl");
  for (const [k, v] of rows) dl.append(el("dt", { textContent: k }), el("dd", { textContent: v }));
  const held = vault === undefined ? null
    : el("details", { className: "vault", open: true },
      el("summary", { textContent: "What the Vault holds" }),
      el("pre", { textContent: JSON.stringify(vault, null, 2) }));
  return el("div", { className: "result" }, el("div", {}, el("p", { className: "ok", textContent: title }), dl), held);
}

/** Runs a step: button busy while it works, a readable error if it fails, never left hanging. */
async function run(pane, name, button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  const out = step(pane, name).querySelector("output");
  out.replaceChildren(el("p", { className: "working", textContent: "Working…" }));
  try {
    await work(out);
  } catch (e) {
    out.replaceChildren(el("p", { className: "error", role: "alert", textContent: explain(e) }));
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

function enable(pane, ...actions) {
  for (const a of actions) $(pane, `[data-action="${a}"]`).disabled = false;
}

function parseSlots(text) {
  const slots = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const i = line.indexOf(":");
    if (i <= 0) throw new Error(`"${line}" is not "name: value"`);
    slots[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return slots;
}

async function refreshFingerprints() {
  if (!state.connectionId) return;
  for (const pane of ["alice", "bob"]) {
    if (!state[pane]) continue;
    const conn = await state[pane].connection(state.connectionId);
    let badge = panes[pane].querySelector(".fingerprint");
    if (!badge) {
      badge = el("p", { className: "fingerprint" });
      panes[pane].querySelector("h2").after(badge);
    }
    const verify = el("button", { type: "button", className: "secondary", textContent: "They match: mark verified" });
    verify.onclick = () => verifyConnection(pane, verify);
    badge.replaceChildren("Safety number with ", el("strong", { textContent: conn.peer.email }), ": ",
      el("code", { className: "code", textContent: conn.fingerprint }), " ",
      conn.verified ? el("span", { className: "verified", textContent: "verified ✓" }) : verify);
  }
}

// Compares this pane's safety number with the one the other pane shows (in real life: read
// out over the phone) and pins the connection as verified; a mismatch reads as an error.
async function verifyConnection(pane, button) {
  const other = pane === "alice" ? "bob" : "alice";
  const theirs = panes[other].querySelector(".fingerprint code")?.textContent ?? "";
  button.disabled = true;
  try {
    await state[pane].verifyConnection(state.connectionId, theirs);
    await refreshFingerprints();
  } catch (e) {
    button.after(el("p", { className: "error", role: "alert", textContent: explain(e) }));
    button.disabled = false;
  }
}

const actions = {
  async signup(pane, button) {
    const email = $(pane, 'input[name="email"]').value.trim();
    const passphrase = $(pane, 'input[name="passphrase"]').value;
    await run(pane, "signup", button, async (out) => {
      const user = await Covault.signup(VAULT, email, passphrase, {
        onProgress: (s) => out.replaceChildren(el("p", { className: "working", textContent:
          s === "deriving-keys" ? "Deriving keys with Argon2id (64 MiB, 3 passes): this takes a moment…" : "Keys derived; creating the account…" })),
      });
      state[pane] = user;
      state.emails[pane] = email;
      state.kits[pane] = user.recoveryKit;
      const vault = await user.vaultView();
      out.replaceChildren(result(`${email} signed up.`, [
        ["Recovery kit: secret key", user.recoveryKit.secretKey],
        ["Keep it", "The secret key and the passphrase are both needed to log in; the Vault has neither."],
      ], { wrappedKek: vault.wrappedKek, deks: vault.deks }));
      button.disabled = true;
      if (pane === "alice") enable("alice", "item", "login", "logout", "forget");
      if (pane === "bob") enable("bob", "login", "logout", "forget");
      $(pane, 'input[name="login-secret"]').value = user.recoveryKit.secretKey;
      if (state.alice && state.bob) enable("alice", "invite");
    });
    if (state[pane]) button.disabled = true;
  },

  async item(pane, button) {
    await run(pane, "item", button, async (out) => {
      const slots = parseSlots($(pane, 'textarea[name="slots"]').value);
      const item = await state.alice.createItem($(pane, 'input[name="label"]').value, slots);
      state.itemId = item.id;
      // An attached file is read, encrypted and uploaded one 1 MiB chunk at a time.
      const file = $(pane, 'input[name="file"]').files[0];
      const rows = Object.entries(item.slots).map(([k, v]) => [k, v]);
      if (file) {
        const attached = await state.alice.attachFile(item.id, file, {
          onProgress: (done, total) => out.replaceChildren(el("p", { className: "working",
            textContent: `Encrypting and uploading ${file.name}: ${Math.round((100 * done) / Math.max(total, 1))}%` })),
        });
        rows.push(["File", `${attached.name}: ${attached.size} bytes in ${attached.chunkCount} encrypted chunk(s), named in the sealed item`]);
      }
      const record = await state.alice.getItemRecord(item.id);
      out.replaceChildren(result(`Item created (${item.id.slice(0, 8)}…).`, rows, record));
      if (state.connectionId) enable("alice", "share");
      enable("alice", "link");
    });
  },

  // A link for someone without an account: the key is only in the URL's #fragment.
  async link(pane, button) {
    await run(pane, "link", button, async (out) => {
      const minutes = Number($(pane, 'input[name="link-minutes"]').value || 60);
      const views = $(pane, 'input[name="link-views"]').value;
      const passphrase = $(pane, 'input[name="link-passphrase"]').value;
      const link = await state.alice.createLink(state.itemId, {
        expiresAt: new Date(Date.now() + minutes * 60000).toISOString(),
        ...(views ? { maxViews: Number(views) } : {}),
        ...(passphrase ? { passphrase } : {}),
      });
      const listed = (await state.alice.listLinks()).find((l) => l.link.id === link.id);
      const held = { ...listed.link, ciphertext: "(kept on the Vault; the key is not)" };
      out.replaceChildren(result("Link made: send it; the key is only after #.", [
        ["Link", link.url], ["Expires", link.expiresAt], ["Most views", link.maxViews ?? "no limit"],
      ], held));
      out.querySelector("dd").replaceChildren(el("a", { href: link.url, target: "_blank", rel: "noreferrer", textContent: link.url }));
    });
  },

  async invite(pane, button) {
    await run(pane, "invite", button, async (out) => {
      state.invitation = await state.alice.invite(state.emails.bob);
      const vault = await state.alice.vaultView();
      out.replaceChildren(result("Invitation sent to Bob.", [
        ["Invitation id", state.invitation.id],
        ["Token (single use)", state.invitation.token],
      ], { keypairs: vault.keypairs }));
      enable("bob", "accept");
    });
  },

  async accept(pane, button) {
    await run(pane, "accept", button, async (out) => {
      const conn = await state.bob.acceptInvitation(state.invitation.id, state.invitation.token);
      state.connectionId = conn.id;
      await refreshFingerprints();
      out.replaceChildren(result("Connected with Alice.", [["Fingerprint", conn.fingerprint]],
        { connection: { id: conn.id, me: conn.me, peer: conn.peer } }));
      button.disabled = true;
      if (state.itemId) enable("alice", "share");
      enable("alice", "outgoing");
      enable("bob", "incoming");
    });
    if (state.connectionId) button.disabled = true;
  },

  async share(pane, button) {
    await run(pane, "share", button, async (out) => {
      const expires = $(pane, 'input[name="expires"]').value;
      const terms = $(pane, 'input[name="terms"]').value.trim();
      const options = { acceptanceRequired: $(pane, 'input[name="acceptance"]').checked };
      if (expires) options.expiresAt = new Date(expires).toISOString();
      if (terms) options.terms = terms;
      const only = $(pane, 'input[name="share-slots"]').value.split(",").map((s) => s.trim()).filter(Boolean);
      if (only.length) options.slots = only;
      const share = await state.alice.shareItem(state.itemId, state.connectionId, options);
      // The copy carries the item's files (their keys sealed for Bob); let the Vault serve them.
      const files = await state.alice.shareFiles(share.id);
      out.replaceChildren(result(`Shared with Bob (${share.id.slice(0, 8)}…).`, [
        ["Expires", share.expiresAt ?? "never"], ["Terms", share.terms ?? "none"],
        ["Bob must accept", share.acceptanceRequired ? "yes" : "no"],
        ["Files", files.length ? files.map((f) => f.name).join(", ") : "none"],
      ], { label: share.label, slots: share.slots, sealedDek: share.sealedDek }));
      await Promise.all([listOutgoing(), listIncoming()]);
    });
  },

  async outgoing(pane, button) {
    await run(pane, "outgoing", button, listOutgoing);
  },

  async incoming(pane, button) {
    await run(pane, "incoming", button, listIncoming);
  },

  // The secret key is optional when this device remembers it (Covault.isRemembered); with
  // "Remember this device" checked, a login with the secret key stores it here, sealed.
  async login(pane, button) {
    const passphrase = $(pane, 'input[name="login-passphrase"]').value;
    const secretKey = $(pane, 'input[name="login-secret"]').value.trim();
    const rememberDevice = $(pane, 'input[name="remember"]').checked;
    await run(pane, "login", button, async (out) => {
      const user = await Covault.login(VAULT, state.emails[pane], passphrase, secretKey || undefined, {
        rememberDevice,
        onProgress: (s) => s === "deriving-keys" && out.replaceChildren(el("p", { className: "working", textContent: "Deriving keys with Argon2id…" })),
      });
      state[pane] = user;
      const remembered = await refreshRemembered(pane);
      out.replaceChildren(result(`Logged in as ${state.emails[pane]}.`, [
        ["Session", "new session opened"],
        ["Secret key", secretKey ? "typed in" : "the one this device remembers"],
        ["This device", remembered ? "remembers the secret key (sealed in IndexedDB; never the passphrase)" : "does not remember the secret key"],
      ]));
    });
  },

  async logout(pane, button) {
    await run(pane, "login", button, async (out) => {
      await state[pane].logout();
      // A fresh login must come from the passphrase again (and the secret key, unless remembered).
      $(pane, 'input[name="login-secret"]').value = "";
      const remembered = await refreshRemembered(pane);
      out.replaceChildren(result(`${state.emails[pane]} logged out.`, [
        ["Next login", remembered ? "the passphrase only: this device remembers the secret key" : "the passphrase and the secret key"],
      ]));
    });
  },

  async forget(pane, button) {
    await run(pane, "login", button, async (out) => {
      const removed = await Covault.forgetDevice(VAULT, state.emails[pane]);
      await refreshRemembered(pane);
      out.replaceChildren(result(removed ? "This device forgot the secret key." : "This device did not remember the secret key.", [
        ["Next login", "the passphrase and the secret key"],
      ]));
    });
  },
};

/** A button that streams a shared file through `readSharedFile`, each chunk checked, into a
 * Blob, then offers it as a link. */
function downloadButton(shareId, file) {
  const button = el("button", { type: "button", textContent: `Download ${file.name}` });
  const status = el("span", { className: "file-status" });
  button.onclick = async () => {
    button.disabled = true;
    try {
      const stream = await state.bob.readSharedFile(shareId, file.id);
      const blob = await new Response(stream).blob();
      const link = el("a", { className: "file-ok", href: URL.createObjectURL(new Blob([blob], { type: file.mediaType })),
        download: file.name, textContent: `${file.name} (${blob.size} bytes, every chunk checked)` });
      status.replaceChildren(link);
    } catch (e) {
      status.replaceChildren(el("span", { className: "error", role: "alert", textContent: explain(e) }));
    } finally {
      button.disabled = false;
    }
  };
  return el("p", { className: "file" }, button, status);
}

/** Marks the secret-key field optional when this device remembers the key; whether it does. */
async function refreshRemembered(pane) {
  const remembered = await Covault.isRemembered(VAULT, state.emails[pane]);
  const input = $(pane, 'input[name="login-secret"]');
  input.required = !remembered;
  input.placeholder = remembered ? "remembered on this device: not needed" : "CV1-…";
  return remembered;
}

/** Listings answered out of order (a refresh after a share, and a click on "List") must not
 * put an older list over a newer one, or over a share the user has just opened: each listing
 * renders only if no later one has started. */
const listings = { outgoing: 0, incoming: 0 };

/** The pane's shares in one direction, or null when there is nothing to list yet or a later
 * listing has started since. */
async function latestShares(pane, direction) {
  if (!state[pane] || !state.connectionId) return null;
  const mine = ++listings[direction];
  const shares = await state[pane].listShares(direction);
  return mine === listings[direction] ? shares : null;
}

async function listOutgoing() {
  const shares = await latestShares("alice", "outgoing");
  if (!shares) return;
  const list = el("ul", { className: "shares" });
  for (const { share: s, accepted, rejected, error } of shares) {
    const del = el("button", { type: "button", textContent: "Delete", className: "secondary" });
    del.onclick = () => deleteShare("alice", s.id, del);
    const status = error ? ` — refused: ${error.message}` : rejected ? " (rejected by Bob: receipt checked)"
      : s.acceptanceRequired ? (accepted ? " (accepted: receipt checked)" : " (not accepted yet)") : "";
    list.append(el("li", { dataset: { share: s.id } }, el("span", { textContent: `${s.id.slice(0, 8)}… to ${s.recipientEmail}${status}` }), del));
  }
  show("alice", "outgoing", shares.length ? list : el("p", { className: "empty", textContent: "No outgoing shares." }));
}

async function listIncoming() {
  const shares = await latestShares("bob", "incoming");
  if (!shares) return;
  const list = el("ul", { className: "shares" });
  for (const { share: s, accepted, rejected, error } of shares) {
    const mustAccept = s.acceptanceRequired && !accepted;
    const read = el("button", { type: "button", textContent: mustAccept ? "Accept and read" : "Read" });
    const del = el("button", { type: "button", textContent: "Delete", className: "secondary" });
    const reject = el("button", { type: "button", textContent: "Reject", className: "secondary" });
    reject.disabled = accepted || rejected || Boolean(error);
    read.disabled = rejected;
    reject.onclick = async () => {
      reject.disabled = true;
      try {
        await state.bob.rejectShare(s.id);
        await Promise.all([listOutgoing(), listIncoming()]);
      } catch (e) {
        detail.replaceChildren(el("p", { className: "error", role: "alert", textContent: explain(e) }));
        reject.disabled = false;
      }
    };
    const detail = el("div", { className: "detail" });
    read.onclick = async () => {
      read.disabled = true;
      try {
        if (mustAccept) await state.bob.acceptShare(s.id);
        const { share, item } = await state.bob.readShare(s.id);
        // The reserved slot holds the sealed file list; the files are shown as downloads.
        const slots = Object.entries(item.slots).filter(([name]) => name !== "covault:files");
        detail.replaceChildren(result(`From ${share.senderEmail}: ${item.label}`,
          slots, { label: share.label, slots: share.slots, sealedDek: share.sealedDek }));
        for (const file of await state.bob.listSharedFiles(s.id)) {
          detail.append(downloadButton(s.id, file));
        }
      } catch (e) {
        detail.replaceChildren(el("p", { className: "error", role: "alert", textContent: explain(e) }));
      } finally {
        read.disabled = false;
      }
    };
    del.onclick = () => deleteShare("bob", s.id, del);
    if (error) {
      read.disabled = true;
      detail.replaceChildren(el("p", { className: "error", role: "alert", textContent: `Refused (${error.code}): ${error.message}` }));
    }
    list.append(el("li", { dataset: { share: s.id } },
      el("span", { textContent: `${s.id.slice(0, 8)}… from ${s.senderEmail}${s.terms ? ` (terms, as the sender sealed them: ${s.terms})` : ""}${rejected ? " (rejected)" : ""}` }), read, reject, del, detail));
  }
  show("bob", "incoming", shares.length ? list : el("p", { className: "empty", textContent: "No incoming shares." }));
}

async function deleteShare(pane, id, button) {
  button.disabled = true;
  try {
    await state[pane].deleteShare(id);
    await Promise.all([listOutgoing(), listIncoming()]);
  } catch (e) {
    button.closest("li").append(el("p", { className: "error", role: "alert", textContent: explain(e) }));
    button.disabled = false;
  }
}

async function main() {
  document.getElementById("vault-url").textContent = VAULT;
  const status = document.getElementById("vault-status");
  try {
    const health = await fetch(`${VAULT}/v1/health`);
    status.textContent = health.ok ? "reachable" : `answered ${health.status}`;
  } catch {
    status.textContent = "unreachable";
  }
  await init();
  const tag = Math.random().toString(36).slice(2, 8);
  $("alice", 'input[name="email"]').value = `alice-${tag}@example.com`;
  $("bob", 'input[name="email"]').value = `bob-${tag}@example.com`;
  for (const pane of ["alice", "bob"]) {
    for (const button of panes[pane].querySelectorAll("[data-action]")) {
      button.addEventListener("click", () => actions[button.dataset.action](pane, button));
    }
  }
  document.body.dataset.ready = "true";
}

main().catch((e) => {
  document.getElementById("vault-status").textContent = `failed to start: ${explain(e)}`;
});
