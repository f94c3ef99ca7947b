// A small consumer of the generated pkg/covault.d.ts. `tsc --strict --noEmit -p tests/node`
// type-checks it as part of the tests, so a change that breaks the published types fails CI.
import init, {
  AccountKeys,
  Dek,
  Kek,
  KeyPair,
  SecretKey,
  defaultKdfParams,
  fingerprint,
  floorKdfParams,
  isCovaultError,
  generateSalt,
  linkNeedsPassphrase,
  openLink,
  Covault,
  type LinkOptions,
  type OpenedLinkView,
  newId,
  openAnonymous,
  openShare,
  sealAnonymous,
  sealShare,
  type AttachedFile,
  type CovaultError,
  type CovaultErrorCode,
  type KdfParams,
} from "../../pkg/covault.js";

export async function walkthrough(): Promise<string> {
  await init();
  const userId: string = newId();
  const secretKey: SecretKey = SecretKey.generate();
  const recoveryKit: string = secretKey.toPrintable();
  const params: KdfParams = defaultKdfParams();
  const floor: KdfParams = floorKdfParams();
  if (floor.memoryKib > params.memoryKib) throw new Error("the floor is below the default");
  const salt: string = generateSalt();
  const keys: AccountKeys = AccountKeys.derive("passphrase", salt, SecretKey.parse(recoveryKit), params);
  const authKey: string = keys.authKey;
  const kek: Kek = Kek.generate(userId);
  const wrappedKek: string = kek.wrap(keys);
  const again: Kek = Kek.unwrap(keys, userId, wrappedKek);

  // Handles are disposable: `using` frees (and zeroizes) the key when the scope ends.
  using scratch = Dek.generate();
  scratch.encryptString("scratch", "ctx");
  const dek: Dek = Dek.generate();
  const wrappedDek: string = again.wrapDek(dek);
  const slot: string = again.unwrapDek(dek.id, wrappedDek).encryptSlot("item", "password", "hunter2");
  const value: string = dek.decryptSlot("item", "password", slot);
  const bytes: Uint8Array = dek.decrypt(dek.encrypt(new Uint8Array([1, 2, 3]), "ctx"), "ctx");
  const text: string = dek.decryptString(dek.encryptString("hi", "ctx"), "ctx");

  const alice: KeyPair = KeyPair.generate();
  const bob: KeyPair = KeyPair.generate(newId());
  const wrappedBob: string = kek.wrapKeyPair(bob);
  const bobAgain: KeyPair = kek.unwrapKeyPair(bob.id, wrappedBob);
  const code: string = fingerprint("alice-id", alice.publicKey, "bob-id", bobAgain.publicKey);
  const shareDek: Dek = Dek.generate("share-id");
  const sealed: string = sealShare(shareDek, bob.publicKey, alice, "share-id", "connection-id");
  const opened: Dek = openShare(sealed, bob, alice.publicKey, "share-id", "connection-id");
  const anon: Uint8Array = openAnonymous(sealAnonymous(new Uint8Array([9]), bob.publicKey, "ctx"), bob, "ctx");

  for (const handle of [secretKey, keys, kek, again, dek, alice, bob, bobAgain, shareDek, opened]) handle.free();
  return [authKey, value, bytes.length, text, code, anon.length].join();
}

export function misuse(kek: Kek, keys: AccountKeys): void {
  // These must stay type errors; if the .d.ts degraded to `any`, tsc would flag the unused
  // expectations and fail.
  // @ts-expect-error a DEK id is a string
  Dek.generate(42);
  // @ts-expect-error wrapDek takes a Dek handle, not raw bytes
  kek.wrapDek(new Uint8Array(32));
  // @ts-expect-error the unlock key is not readable from JS
  keys.unlockKey;
  // @ts-expect-error KdfParams needs all three fields
  AccountKeys.derive("pw", "salt", SecretKey.generate(), { memoryKib: 65536 } satisfies KdfParams);
}

export function describe(error: unknown): CovaultErrorCode | "other" {
  if (error instanceof Error && error.name === "CovaultError") {
    return (error as CovaultError).code;
  }
  return "other";
}

/** The type guard narrows without a cast. */
export function describeWithGuard(error: unknown): CovaultErrorCode | "other" {
  if (isCovaultError(error)) {
    const narrowed: CovaultError = error;
    return narrowed.code;
  }
  // @ts-expect-error without the guard, `code` is not known
  return error.code;
}

/** Share links: made with a session, opened without one. */
export async function links(alice: Covault, itemId: string): Promise<string> {
  const options: LinkOptions = { expiresAt: new Date(Date.now() + 3600_000).toISOString(), maxViews: 1 };
  const link = await alice.createLink(itemId, options);
  const opened: OpenedLinkView = await openLink(link.url, linkNeedsPassphrase(link.url) ? "pw" : undefined);
  const listed = await alice.listLinks();
  const views: number = listed[0].link.views;
  await alice.revokeLink(link.id);
  // @ts-expect-error expiresAt is required
  await alice.createLink(itemId, { maxViews: 1 });
  return `${opened.senderEmail} ${opened.slots["password"]} ${views}`;
}

/** Attached files: a File in, a typed description out, a stream of bytes back. */
export async function attachments(covault: Covault, itemId: string, file: File): Promise<number> {
  const attached: AttachedFile = await covault.attachFile(itemId, file, {
    onProgress: (done: number, total: number) => console.log(done / total),
  });
  const listed: AttachedFile[] = await covault.listFiles(itemId);
  const stream: ReadableStream<Uint8Array> = await covault.readFile(itemId, attached.id);
  const blob: Blob = await new Response(stream).blob();
  const shared: AttachedFile[] = await covault.shareFiles("share-id");
  const theirs: ReadableStream<Uint8Array> = await covault.readSharedFile("share-id", shared[0].id);
  await covault.removeFile(itemId, attached.id);
  // @ts-expect-error attachFile takes a Blob or File, not a path
  await covault.attachFile(itemId, "/etc/passwd", {});
  return listed.length + blob.size + attached.chunkCount + (theirs.locked ? 1 : 0);
}

/** A device that remembers (`rememberDevice`): the secret key once, then the passphrase alone;
 * every form `login` takes. Type-checked only. */
export async function rememberedDevice(url: string, email: string, secretKey: string): Promise<boolean> {
  const first: Covault = await Covault.login(url, email, "passphrase", secretKey, { rememberDevice: true });
  await first.logout();
  await Covault.login(url, email, "passphrase");
  await Covault.login(url, email, "passphrase", { rememberDevice: true });
  await Covault.login(url, email, "passphrase", null, { onProgress: (step) => void step });
  await Covault.login(url, email, "passphrase", undefined);
  const signedUp: Covault = await Covault.signup(url, email, "passphrase", { rememberDevice: true });
  signedUp.free();
  const remembered: boolean = await Covault.isRemembered(url, email);
  const forgotten: boolean = await Covault.forgetDevice(url, email);
  const code: CovaultErrorCode = "NotRemembered";
  return remembered && forgotten && code.length > 0;
}
