// Erasure by crypto-shredding, end to end: each contact is sealed under its
// own key; "Erase permanently" on one device removes the person there and on
// the other device, and destroys the only key to every copy of their data —
// on both devices and in the server's key store — while the ciphertext of
// their old revisions stays in the server's history, now unreadable. A
// tombstone holding no personal data records that the erasure happened.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir, removeDir, filesUnder, dumpBrowserStorage, findIn } from './support.mjs';
import {
  openDevice as open, closeDevices, createVault, createAccount, signInNewDevice, passRecovery, saveContact,
  waitSynced, revealNotes,
} from './devices.mjs';

const ACCOUNT = 'privacy.officer@coffer.example';
const PASSPHRASE = 'walnut comets braid nine silver harbours';
const ERIN = {
  given: 'Erin', family: 'Forgotten', email: 'erin.forgotten@erase-me.example', company: 'Shred Works',
  job: 'Data subject', notes: 'Asked to be erased under GDPR article 17',
};
const YUKI = {
  given: 'Yuki', family: 'Kept', email: 'yuki.kept@stays.example', company: 'Keepers Ltd',
  job: 'Customer', notes: 'Stays on file',
};

let server;
let dataDir;
let port;
let backupDir;

before(async () => {
  dataDir = tempDir('coffer-e2e-erasure-data-');
  backupDir = tempDir('coffer-e2e-erasure-backup-');
  server = await startServer(dataDir);
  port = new URL(server.url).port;
});

after(async () => {
  await closeDevices();
  await server?.stop();
  removeDir(dataDir);
  removeDir(backupDir);
});

/// Settings → "Download encrypted backup"; returns the saved file's path.
async function downloadBackup(page, name) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download encrypted backup' }).click(),
  ]);
  const path = join(backupDir, name);
  await download.saveAs(path);
  await page.getByText(/^Backup downloaded: \d+ records\./).waitFor();
  await page.getByRole('button', { name: 'Contacts', exact: true }).click();
  return path;
}

/// Waits for the restore notice; returns (restored, unreadable).
async function restoreReport(page) {
  const notice = page.getByText(/^Backup restored: \d+ records opened and checked; \d+ could not be opened/);
  await notice.waitFor({ timeout: 30000 });
  const [, restored, unreadable] = (await notice.innerText()).match(/(\d+) records opened and checked; (\d+) could not/);
  return [Number(restored), Number(unreadable)];
}

/// A fresh profile signs in to the account with a backup file chosen.
async function signInWithBackup(name, file) {
  const page = await open(server.url, name);
  await page.getByRole('button', { name: 'I already have an account' }).click();
  await page.getByLabel('Account name (e-mail)').fill(ACCOUNT);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Restore from a backup file (optional)').setInputFiles(file);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/// The device's stored records by key (`"<namespace>:<id>"`), values as bytes.
async function storedRecords(page) {
  const dump = await dumpBrowserStorage(page);
  const records = new Map();
  for (const row of dump.indexedDb.filter((r) => r.store === 'records')) {
    records.set(JSON.parse(row.key), row.value.bytes ? Buffer.from(row.value.bytes, 'base64') : null);
  }
  return records;
}

function entriesOf(records, namespace) {
  return new Map([...records].filter(([k]) => k.startsWith(`${namespace}:`)).map(([k, v]) => [k.slice(namespace.length + 1), v]));
}

/// The server's files after a clean stop (the WAL is checkpointed into the
/// one database file), then the server started again on the same port.
async function serverFilesAtRest() {
  await server.stop();
  const files = filesUnder(dataDir);
  server = await startServer(dataDir, { port });
  return files;
}

function uuidBytes(id) {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

test('erasing a contact crypto-shreds it on every device and on the server', async (t) => {
  const a = await open(server.url, 'a');
  let b;
  let erinId;
  let erinKey;
  let yukiKey;
  let keysBefore;

  await t.test('each contact gets its own key, which reaches the server and the other device', async () => {
    await createVault(a, PASSPHRASE);
    await saveContact(a, ERIN);
    await saveContact(a, YUKI);
    await createAccount(a, ACCOUNT, PASSPHRASE);
    const keys = entriesOf(await storedRecords(a), 'keyring');
    const contacts = entriesOf(await storedRecords(a), 'contact');
    assert.equal(keys.size, 2, 'one key per contact');
    assert.deepEqual([...keys.keys()].sort(), [...contacts.keys()].sort());
    for (const [id, envelope] of contacts) {
      // The local envelope names its record's key (bytes 33..41 for the
      // "contact" namespace); the keyring entry names the wrapped key (26..34).
      assert.deepEqual(envelope.subarray(33, 41), keys.get(id).subarray(26, 34), `${id} is sealed under its own key`);
    }
    b = await open(server.url, 'b');
    await signInNewDevice(b, ACCOUNT, PASSPHRASE);
    await b.getByRole('button', { name: /^Erin Forgotten/ }).waitFor({ timeout: 20000 });
    await b.getByRole('button', { name: /^Yuki Kept/ }).waitFor();
    const keysOnB = entriesOf(await storedRecords(b), 'keyring');
    assert.deepEqual([...keysOnB.keys()].sort(), [...keys.keys()].sort(), 'B fetched both keys from the server');
    const files = await serverFilesAtRest();
    for (const [id, entry] of keys) {
      assert.ok(files.some((f) => f.bytes.includes(entry)), `the server holds ${id}'s wrapped key`);
    }
    keysBefore = keys;
  });

  let earlierBackup;
  await t.test('an encrypted backup file holds no plaintext and restores into a fresh profile', async () => {
    earlierBackup = await downloadBackup(a, 'before-erasure.json');
    const bytes = readFileSync(earlierBackup);
    const file = JSON.parse(bytes);
    assert.equal(file.format, 'coffer-backup');
    assert.ok(file.records.length >= 2);
    const plaintext = [ERIN.email, ERIN.notes, ERIN.family, YUKI.email, YUKI.notes, PASSPHRASE];
    const decoded = file.records.map(([key, b64]) => ({ where: key, bytes: Buffer.from(b64, 'base64') }));
    assert.deepEqual(findIn([{ where: 'file', bytes }, ...decoded], plaintext), []);
    // The backup key is not in the file: only the account holds it.
    for (const entry of keysBefore.values()) assert.ok(!bytes.includes(entry.toString('base64')));

    const c = await signInWithBackup('c', earlierBackup);
    const [restored, unreadable] = await restoreReport(c);
    assert.deepEqual([restored, unreadable], [file.records.length, 0]);
    await passRecovery(c);
    await c.getByRole('button', { name: /^Erin Forgotten/ }).waitFor({ timeout: 20000 });
    await c.getByRole('button', { name: /^Yuki Kept/ }).waitFor();
  });

  await t.test('"Erase permanently" removes the person on both devices and destroys their key everywhere', async () => {
    await a.waitForTimeout(500);
    await a.getByRole('button', { name: /^Erin Forgotten/ }).click();
    await a.getByRole('button', { name: 'Erase permanently' }).click();
    await a.getByText(/^Erased\./).waitFor();
    await a.getByRole('button', { name: /^Erin Forgotten/ }).waitFor({ state: 'detached' });
    await a.getByRole('button', { name: /^Yuki Kept/ }).waitFor();
    await b.getByRole('button', { name: /^Erin Forgotten/ }).waitFor({ state: 'detached', timeout: 20000 });
    await b.getByRole('button', { name: /^Yuki Kept/ }).waitFor();
    await waitSynced(a);

    const before = keysBefore;
    const afterA = await storedRecords(a);
    const keysAfter = entriesOf(afterA, 'keyring');
    const gone = [...before.keys()].filter((id) => !keysAfter.has(id));
    assert.equal(gone.length, 1, 'exactly one key was destroyed');
    [erinId] = gone;
    erinKey = before.get(erinId);
    yukiKey = [...keysAfter.values()][0];
    assert.ok(afterA.has(`keyring.erased:${erinId}`), 'A remembers the erasure');
    assert.ok(!afterA.has(`contact:${erinId}`), 'A deleted the contact');
    assert.ok(afterA.has(`tombstone:${erinId}`), 'a tombstone records the erasure');

    // B applied the tombstone: no contact, no key.
    const until = Date.now() + 15000;
    let afterB = await storedRecords(b);
    while (afterB.has(`keyring:${erinId}`) && Date.now() < until) {
      await b.waitForTimeout(250);
      afterB = await storedRecords(b);
    }
    assert.ok(!afterB.has(`keyring:${erinId}`), 'B destroyed the key');
    assert.ok(!afterB.has(`contact:${erinId}`), 'B deleted the contact');
    assert.ok(afterB.has(`keyring.erased:${erinId}`));
    for (const [name, records] of [['A', afterA], ['B', afterB]]) {
      const blobs = [...records].map(([key, bytes]) => ({ where: `${name} ${key}`, bytes: bytes ?? Buffer.alloc(0) }));
      assert.ok(!blobs.some((x) => x.bytes.includes(erinKey)), `${name} holds no copy of the key`);
      assert.deepEqual(findIn(blobs, [ERIN.email, ERIN.notes, ERIN.family]), []);
    }
  });

  await t.test("the server keeps the erased contact's old ciphertext but no key that opens it", async () => {
    // Let B's and A's key deletions reach the server before it stops.
    await a.waitForTimeout(1000);
    const files = await serverFilesAtRest();
    const all = Buffer.concat(files.map((f) => f.bytes));
    const envelopeHead = Buffer.concat([Buffer.from([1, 7]), Buffer.from('contact'), uuidBytes(erinId)]);
    assert.ok(all.includes(envelopeHead), "the contact's revisions are still in the server's history");
    // An entry's first 34 bytes name it (version, kind, record id, wrapping
    // key id, wrapped key id); re-wrapping on another device keeps them.
    assert.ok(!all.includes(erinKey.subarray(0, 34)), "the server's key store no longer holds the contact's key");
    assert.ok(!all.includes(erinKey.subarray(34)), 'not even the wrapped bytes are left on disk');
    assert.ok(all.includes(yukiKey.subarray(0, 34)), "other contacts' keys are untouched");
  });

  await t.test('the backup made before the erasure can no longer be opened', async () => {
    const d = await signInWithBackup('d', earlierBackup);
    await d.getByText(/^This backup can no longer be opened/).waitFor({ timeout: 30000 });
    await passRecovery(d);
    // The account itself still works: the contacts that exist sync down.
    await d.getByRole('button', { name: /^Yuki Kept/ }).waitFor({ timeout: 20000 });
    assert.equal(await d.getByRole('button', { name: /^Erin Forgotten/ }).count(), 0);
    const stored = await storedRecords(d);
    assert.ok(!stored.has(`contact:${erinId}`), 'nothing of the erased contact was restored');
    const blobs = [...stored].map(([key, bytes]) => ({ where: key, bytes: bytes ?? Buffer.alloc(0) }));
    assert.deepEqual(findIn(blobs, [ERIN.email, ERIN.notes]), []);
    // A backup made now restores again (it has no key for the erased contact).
    const later = await downloadBackup(a, 'after-erasure.json');
    const e = await signInWithBackup('e', later);
    const laterFile = JSON.parse(readFileSync(later));
    assert.ok(!laterFile.records.some(([key]) => key === `contact:${erinId}`), 'the erased contact is not in a new backup');
    assert.deepEqual(await restoreReport(e), [laterFile.records.length, 0]);
    await passRecovery(e);
    await e.getByRole('button', { name: /^Yuki Kept/ }).waitFor({ timeout: 20000 });
  });

  await t.test('the tombstone holds no personal data and the other contact still opens after a reload', async () => {
    await a.reload();
    await a.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await a.getByRole('button', { name: 'Unlock', exact: true }).click();
    await a.getByRole('button', { name: /^Yuki Kept/ }).waitFor({ timeout: 30000 });
    assert.equal(await a.getByRole('button', { name: /^Erin Forgotten/ }).count(), 0);
    await a.getByRole('button', { name: /^Yuki Kept/ }).click();
    await revealNotes(a);
    assert.equal(await a.getByLabel('Notes').inputValue(), YUKI.notes);
  });
});
