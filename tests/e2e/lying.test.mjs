// A server that lies. Device A is honest; device B's view of the server is
// tampered with (Playwright rewrites the pull answers B receives): flipped
// bits, swapped record ids, a withheld newest revision. B must notice each
// time, keep its good data, and recover once the server tells the truth.
// Then the server really is rolled back (restored from an older copy of its
// database): both devices notice, and "the server was restored" uploads
// their data again, so a fresh device gets everything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { startServer, tempDir, removeDir } from './support.mjs';
import {
  openDevice, closeDevices, accessibility, createVault, createAccount, signInNewDevice, saveContact, edit,
  waitSynced, eventually,
} from './devices.mjs';

const ACCOUNT = 'field.sales@coffer.example';
const PASSPHRASE = 'quiet harbour lamps glow for ninety sailors';
const WANG = { full: '王芳', email: 'wang.fang@hangzhou-dianzi.example', company: '杭州电子有限公司', job: '采购', notes: '第一版' };
const NOAH = { given: 'Noah', family: 'Berg', email: 'noah@fjord.example', company: 'Fjord Analytics', job: 'CTO', notes: 'first' };

let server;
let dataDir;
let a;
let b;

before(async () => {
  dataDir = tempDir('coffer-e2e-lying-data-');
  server = await startServer(dataDir);
});

after(async () => {
  await closeDevices();
  await server?.stop();
  removeDir(dataDir);
});

const PULL = '**/api/collections/contact/pull**';

/// Serves B's pulls through `tamper(page)` until `stop()`.
async function lie(page, tamper) {
  await page.route(PULL, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    tamper(body);
    await route.fulfill({ response, json: body });
  });
  return () => page.unroute(PULL);
}

function flipLastByte(base64) {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bytes.length - 1] ^= 1;
  return bytes.toString('base64');
}

async function brokenAndIntact(page, name, expected) {
  await page.locator('#chain-broken').waitFor({ timeout: 15000 });
  const seen = await eventually(page, name, () => true, 0);
  assert.equal(seen.values.notes, expected, 'the good local value was kept');
}

async function recovers(page, name, expected) {
  await page.getByRole('button', { name: 'Try again' }).click();
  const seen = await eventually(page, name, (v) => v.notes === expected);
  assert.equal(seen.values.notes, expected);
  assert.equal(await page.locator('#chain-broken').count(), 0);
}

test('a lying or rolled-back server is detected and never overwrites good data', async (t) => {
  await t.test('two devices share an account', async () => {
    a = await openDevice(server.url, 'a');
    await createVault(a, PASSPHRASE);
    await saveContact(a, WANG);
    await saveContact(a, NOAH);
    await createAccount(a, ACCOUNT, PASSPHRASE);
    b = await openDevice(server.url, 'b');
    await signInNewDevice(b, ACCOUNT, PASSPHRASE);
    await b.getByText('2 contacts').waitFor({ timeout: 15000 });
    await waitSynced(b);
  });

  await t.test('flipped bits in a revision are refused', async () => {
    const stop = await lie(b, (page) => {
      for (const entry of page.entries) entry.blob = flipLastByte(entry.blob);
    });
    await edit(a, 'Noah Berg', { Notes: 'second' });
    await brokenAndIntact(b, 'Noah Berg', 'first');
    await accessibility(b, 'server history does not match');
    await stop();
    await recovers(b, 'Noah Berg', 'second');
  });

  await t.test('a revision moved to another record is refused', async () => {
    const stop = await lie(b, (page) => {
      // Claim the new revision belongs to a different record.
      for (const entry of page.entries) entry.record_id = '00000000-0000-4000-8000-000000000001';
    });
    await edit(a, 'Noah Berg', { Notes: 'third' });
    await brokenAndIntact(b, 'Noah Berg', 'second');
    await stop();
    await recovers(b, 'Noah Berg', 'third');
  });

  await t.test('a withheld newest revision is noticed', async () => {
    const stop = await lie(b, (page) => {
      page.entries = page.entries.slice(0, -1);
      page.more = false;
    });
    await edit(a, 'Noah Berg', { Notes: 'fourth' });
    await brokenAndIntact(b, 'Noah Berg', 'third');
    await stop();
    await recovers(b, 'Noah Berg', 'fourth');
  });

  await t.test('a server restored from an older backup is noticed, and re-uploading repairs it', async () => {
    const port = new URL(server.url).port;
    const snapshot = tempDir('coffer-e2e-lying-snapshot-');
    await server.stop();
    cpSync(dataDir, snapshot, { recursive: true });
    server = await startServer(dataDir, { port });
    await waitSynced(a);
    await saveContact(a, { given: 'Late', family: 'Arrival', email: 'late@arrival.example', company: 'After Backup Ltd', job: 'Buyer', notes: 'only after the backup' });
    await waitSynced(a);
    await b.getByText('3 contacts').waitFor({ timeout: 15000 });
    // The operator restores yesterday's backup.
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(snapshot, dataDir, { recursive: true });
    removeDir(snapshot);
    server = await startServer(dataDir, { port });
    for (const device of [a, b]) {
      await device.locator('#chain-broken').waitFor({ timeout: 20000 });
      // Nothing was lost on the device.
      await device.getByText('3 contacts').waitFor();
    }
    await a.getByRole('button', { name: 'The server was restored: upload my data' }).click();
    await waitSynced(a);
    await b.getByRole('button', { name: 'The server was restored: upload my data' }).click();
    await waitSynced(b);
    await edit(b, 'Late Arrival', { Notes: 'edited after the restore' });
    const seen = await eventually(a, 'Late Arrival', (v) => v.notes === 'edited after the restore');
    assert.equal(seen.values.notes, 'edited after the restore');
    const c = await openDevice(server.url, 'c');
    await signInNewDevice(c, ACCOUNT, PASSPHRASE);
    await c.getByText('3 contacts').waitFor({ timeout: 15000 });
  });
});
