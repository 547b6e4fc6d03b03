// The security page against the real server in Chromium: a masked note is
// revealed and the reveal is in the audit log (naming the record, not the
// text); creates, edits and exports are logged; "Verify" says the chain is
// intact, and after one stored entry is removed from IndexedDB it says
// where the chain breaks; a breach gets its 72-hour deadline, a live
// countdown and a Chinese draft; a processing activity is added and
// exported; the IP allowlist is shown after a reload, refuses a list that
// would lock the user out, and a list without 127.0.0.1 makes the next
// sign-in fail with the ip_not_allowed message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir, removeDir, unlock } from './support.mjs';
import {
  openDevice, closeDevices, accessibility, createVault, createAccount, saveContact, edit,
  signInNewDevice, devices,
} from './devices.mjs';

async function closeDevice(name) {
  await devices[name].context.close();
  removeDir(devices[name].profile);
  delete devices[name];
}

const ACCOUNT = 'audit.owner@coffer.example';
const PASSPHRASE = 'copper lanterns drift over seven bridges';
const NOTE = 'allergic to peanuts, prefers calls after six';
const OTHER_NET_IP = '10.9.9.9';

let server;
let dataDir;
let work;

before(async () => {
  dataDir = tempDir('coffer-e2e-security-data-');
  work = tempDir('coffer-e2e-security-files-');
  // Trusting X-Forwarded-For lets the test speak from a second address.
  server = await startServer(dataDir, { args: ['--trust-proxy'] });
});

after(async () => {
  await closeDevices();
  await server?.stop();
  removeDir(dataDir);
  removeDir(work);
});

/// Deletes one record from the app's IndexedDB; whether it was there.
async function removeStored(page, key) {
  return page.evaluate(async (key) => {
    const db = await new Promise((res) => {
      const r = indexedDB.open('coffer');
      r.onsuccess = () => res(r.result);
    });
    const tx = db.transaction('records', 'readwrite');
    const store = tx.objectStore('records');
    const had = await new Promise((res) => {
      const req = store.getKey(key);
      req.onsuccess = () => res(req.result !== undefined);
    });
    store.delete(key);
    await new Promise((res) => (tx.oncomplete = res));
    db.close();
    return had;
  }, key);
}

async function openSecurity(page) {
  await page.getByRole('button', { name: 'Security', exact: true }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
}

/// The record id core gives entry `seq` of `device`'s chain (see
/// crates/core/src/privacy/audit/record.rs), computed independently.
function auditRecordId(deviceHex, seq) {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  const d = createHash('sha256')
    .update('coffer/v1/audit-record')
    .update(Buffer.from(deviceHex, 'hex'))
    .update(seqBytes)
    .digest()
    .subarray(0, 16);
  d[6] = (d[6] & 0x0f) | 0x80;
  d[8] = (d[8] & 0x3f) | 0x80;
  const h = d.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function utcMinute(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

async function auditRows(page) {
  return page.locator('.audit-table tbody tr').allTextContents();
}

test('audit log, reveal, breach and processing registers, IP allowlist', async (t) => {
  const page = await openDevice(server.url, 'a');
  let contactId;
  let deviceHex;

  await t.test('a sensitive note is masked until revealed, and the reveal is logged without the text', async () => {
    await createVault(page, PASSPHRASE);
    await saveContact(page, { given: 'Lan', family: 'Zhou', email: 'lan@jade.example', company: 'Jade Tea', job: 'Buyer', notes: NOTE });
    await edit(page, 'Lan Zhou', { 'Job title': 'Head buyer' });
    await page.getByRole('button', { name: /^Lan Zhou/ }).click();
    // Masked: the text is nowhere on the page until revealed.
    const reveal = page.getByRole('button', { name: 'Reveal Notes' });
    await reveal.waitFor();
    assert.equal(await page.getByText(NOTE).count(), 0);
    assert.equal(await page.locator('#notes').count(), 0);
    await page.locator('.revealable .masked').getByText('••••••').waitFor();
    // Keyboard: focus the button and press Enter.
    await reveal.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#notes').inputValue(), NOTE);
    await page.getByRole('button', { name: 'Hide Notes' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    contactId = await page.evaluate(async () => {
      // The contact's id, from the one contact record key in IndexedDB.
      const db = await new Promise((res, rej) => {
        const r = indexedDB.open('coffer');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const keys = await new Promise((res) => {
        const req = db.transaction('records').objectStore('records').getAllKeys();
        req.onsuccess = () => res(req.result);
      });
      db.close();
      return keys.filter((k) => String(k).startsWith('contact:')).map((k) => String(k).slice(8))[0];
    });
    assert.match(contactId, /^[0-9a-f-]{36}$/);

    await openSecurity(page);
    await page.getByLabel('Action').selectOption({ label: 'Revealed' });
    const rows = await auditRows(page);
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.ok(rows[0].includes(`contact ${contactId}`), rows[0]);
    assert.ok(rows[0].includes('field=notes'), rows[0]);
    assert.ok(!(await page.locator('main, body').first().textContent()).includes('peanuts'));
  });

  await t.test('a copied note is cleared from the clipboard after the configured delay', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.getByLabel('Clear copied values after (seconds)').fill('5');
    await page.getByRole('button', { name: 'Save security settings' }).click();
    await page.getByText('Security settings saved.').waitFor();
    await page.getByRole('button', { name: 'Contacts', exact: true }).click();
    await page.getByRole('button', { name: /^Lan Zhou/ }).click();
    await page.getByRole('button', { name: 'Reveal Notes' }).click();
    await page.getByRole('button', { name: 'Copy Notes' }).click();
    await page.getByText('Copied. The clipboard is cleared in 5 seconds.').waitFor();
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    assert.equal(await clipboard(), NOTE);
    await page.getByText('Clipboard cleared.').waitFor({ timeout: 10000 });
    assert.equal(await clipboard(), '');
    // Something the user copied later is not wiped by an older timer.
    await page.getByRole('button', { name: 'Copy Notes' }).click();
    await page.getByText('Copied. The clipboard is cleared in 5 seconds.').waitFor();
    await page.evaluate(() => navigator.clipboard.writeText('my own text'));
    await page.waitForTimeout(6000);
    assert.equal(await clipboard(), 'my own text');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  await t.test('a stricter passphrase setting refuses a passphrase the default policy accepts', async () => {
    await openSecurity(page);
    await page.getByLabel('Minimum strength of new passphrases').selectOption({ label: 'Very strong (score 4)' });
    await page.getByRole('button', { name: 'Save security settings' }).click();
    await page.getByText('Security settings saved.').waitFor();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Current passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    // zxcvbn scores this 3: enough for the core policy, not for "very strong".
    await page.getByLabel('New passphrase', { exact: true }).fill('summer2024!!');
    await page.getByLabel('Repeat passphrase').fill('summer2024!!');
    await page.getByText('Your security settings ask for a very strong passphrase.').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Save passphrase' }).isDisabled());
  });

  await t.test('creates, edits and exports are in the log, and the chain verifies', async () => {
    // An export of the contacts.
    await page.getByRole('button', { name: 'Contacts', exact: true }).click();
    const panel = page.locator('.export-panel');
    if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();
    await page.getByLabel('Export format').selectOption({ label: 'CSV (spreadsheet)' });
    await Promise.all([page.waitForEvent('download'), panel.locator('.actions button').click()]);
    await page.getByText(/^Exported contacts: \d+\.$/).waitFor();

    await openSecurity(page);
    const expectAction = async (label, includes) => {
      await page.getByLabel('Action').selectOption({ label });
      const rows = await auditRows(page);
      assert.ok(rows.some((r) => r.includes(includes)), `${label}: ${rows.join('\n')}`);
    };
    await expectAction('Created', `contact ${contactId}`);
    await expectAction('Edited', 'job_title');
    await expectAction('Exported', 'format=csv');
    await expectAction('Signed in or unlocked', 'unlock');
    // Record filter narrows to the contact's entries only.
    await page.getByLabel('Action').selectOption({ label: 'Any action' });
    await page.getByLabel('Record id').fill(contactId.slice(0, 8));
    const rows = await auditRows(page);
    assert.ok(rows.length >= 3 && rows.every((r) => r.includes(contactId)), rows.join('\n'));
    await page.getByLabel('Record id').fill('');
    // A date range after today shows nothing; today shows everything again.
    await page.getByLabel('From', { exact: true }).fill('2999-01-01');
    await page.getByText('No entries match.').waitFor();
    await page.getByLabel('From', { exact: true }).fill(new Date().toISOString().slice(0, 10));
    assert.ok((await auditRows(page)).length >= 5);
    await page.getByLabel('From', { exact: true }).fill('');
    // The filtered log exports as CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).first().click(),
    ]);
    const file = join(work, 'audit.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    assert.match(csv, /^at_ms,device_id,seq,action/);
    assert.ok(csv.includes(',reveal,contact,'));
    assert.ok(!csv.includes('peanuts'));

    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('.verify-result').getByText(/^Chain intact \(\d+ entries\)$/).waitFor();
    await accessibility(page, 'security page');
  });

  await t.test('entries cut off the end of the chain are found after a reload', async () => {
    deviceHex = await page.evaluate(async () => {
      const db = await new Promise((res) => {
        const r = indexedDB.open('coffer');
        r.onsuccess = () => res(r.result);
      });
      const value = await new Promise((res) => {
        const req = db.transaction('meta').objectStore('meta').get('device_id');
        req.onsuccess = () => res(req.result);
      });
      db.close();
      return typeof value === 'string' ? value : value?.value ?? String(value);
    });
    assert.match(deviceHex, /^[0-9a-f]{32}$/);
    const intact = await page.locator('.verify-result').innerText();
    const count = Number(intact.match(/Chain intact \((\d+) entries\)/)[1]);
    // The head this device wrote is sealed in the background; let it land.
    await page.waitForTimeout(500);
    // The last two entries go, as a server or a script with access to the
    // browser's storage could make them go.
    for (const seq of [count - 1, count - 2]) {
      assert.ok(await removeStored(page, `audit:${auditRecordId(deviceHex, seq)}`), `entry ${seq} was stored`);
    }
    await page.reload();
    await unlock(page, PASSPHRASE);
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await openSecurity(page);
    await page.getByRole('button', { name: 'Verify' }).click();
    const first = count - 2;
    await page
      .locator('.verify-result')
      .getByText(`Chain broken on device ${deviceHex.slice(0, 8)} (this device): entries ${first} to ${count - 1} are missing before position ${first}.`)
      .waitFor();
  });

  await t.test('removing one stored entry is found, and where', async () => {
    const victim = `audit:${auditRecordId(deviceHex, 1)}`;
    const removed = await removeStored(page, victim);
    assert.ok(removed, `no stored record ${victim}`);
    // And one byte of another entry's envelope flipped: it cannot be opened.
    const flipped = await page.evaluate(async (key) => {
      const db = await new Promise((res) => {
        const r = indexedDB.open('coffer');
        r.onsuccess = () => res(r.result);
      });
      const tx = db.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      const value = await new Promise((res) => {
        const req = store.get(key);
        req.onsuccess = () => res(req.result);
      });
      if (!(value instanceof Uint8Array)) return false;
      value[value.length - 20] ^= 0x01;
      store.put(value, key);
      await new Promise((res) => (tx.oncomplete = res));
      db.close();
      return true;
    }, `audit:${auditRecordId(deviceHex, 3)}`);
    assert.ok(flipped, 'entry 3 is stored as envelope bytes');
    await page.reload();
    await unlock(page, PASSPHRASE);
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await openSecurity(page);
    await page.getByText('1 stored records could not be opened (damaged).', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page
      .locator('.verify-result')
      .getByText(/Chain broken on device [0-9a-f]{8} \(this device\): entries 1 to 1 are missing before position 1\./)
      .waitFor();
  });

  await t.test('a breach shows its 72-hour deadline, a live countdown and a Chinese draft', async () => {
    const discovered = Math.floor(Date.now() / 60000) * 60000 - 60 * 60000;
    const input = utcMinute(discovered).replace(' ', 'T');
    // The notices are signed by the controller kept in the security settings.
    await page.locator('#controller-name').fill('Jade Trading Ltd');
    await page.locator('#controller-email').fill('privacy@jade.example');
    await page.getByRole('button', { name: 'Save controller details' }).click();
    await page.getByText('Controller details saved.').waitFor();
    await page.getByLabel('What happened').fill('A laptop with an open session was stolen.');
    await page.getByLabel('Discovered (UTC)').fill(input);
    await page.getByLabel('Contact details').check();
    await page.getByLabel('Find contacts').fill('Zhou');
    await page.getByRole('button', { name: 'Add matching contacts (1)' }).click();
    await page.locator('#breach-affected-count').getByText('1 records affected').waitFor();
    await page.getByRole('button', { name: 'Save incident' }).click();
    await page.getByText('Incident recorded.').waitFor();
    const deadline = utcMinute(discovered + 72 * 3600 * 1000);
    await page.getByText(`Notify the authority by ${deadline} UTC`).waitFor();
    const timer = page.locator('.incident .countdown').first();
    const first = await timer.textContent();
    assert.match(first, /^70 h 5\d min \d+ s left$|^71 h 0 min \d+ s left$/);
    await page.waitForFunction((before) => document.querySelector('.incident .countdown').textContent !== before, first, { timeout: 5000 });
    const authority = page.locator('.incident textarea.draft').first();
    const english = await authority.inputValue();
    assert.match(english, /^Notification of a personal data breach/);
    assert.ok(english.includes('Controller: Jade Trading Ltd'), english);
    assert.ok(english.includes('A laptop with an open session was stolen.'), english);
    const language = page.locator('.topbar .language select');
    await language.selectOption('zh-CN');
    await page.getByText(`须在 ${deadline} UTC 前通知监管机构`).waitFor();
    await page.waitForFunction(() => document.querySelector('.incident textarea.draft').value.startsWith('个人信息安全事件报告'));
    assert.match(await page.locator('.incident .countdown').first().textContent(), /^剩余 \d+ 小时/);
    await accessibility(page, 'security page in Chinese');
    await language.selectOption('en');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('button', { name: 'Mark authority notified' }).click();
    await page.getByText(/^Authority notified .* in time\.$/).waitFor();
  });

  await t.test('a processing activity is added, edited, exported and deleted', async () => {
    await page.getByLabel('Activity', { exact: true }).fill('Customer newsletter');
    await page.getByLabel('Purposes').fill('Marketing\nProduct news');
    await page.getByLabel('Categories of data', { exact: true }).last().fill('Name\nEmail address');
    await page.getByLabel('Categories of people').fill('Customers');
    await page.getByLabel('Recipients').fill('Mail provider');
    await page.getByLabel('Retention', { exact: true }).fill('Until unsubscribed');
    await page.getByLabel('Transfers abroad (destination: safeguard)').fill('Singapore: standard contract');
    await page.getByRole('button', { name: 'Save activity' }).click();
    await page.getByText('Processing activity saved.').waitFor();
    await page.getByRole('heading', { name: 'Customer newsletter' }).waitFor();
    await page.getByRole('button', { name: 'Edit Customer newsletter' }).click();
    assert.equal(await page.getByLabel('Purposes').inputValue(), 'Marketing\nProduct news');
    await page.getByLabel('Retention', { exact: true }).fill('Two years after the last order');
    await page.getByRole('button', { name: 'Save activity' }).click();
    await page.locator('.activity dd').getByText('Two years after the last order').waitFor();
    assert.equal(await page.locator('.activity').count(), 1);
    const section = page.locator('section[aria-labelledby="processing-title"]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      section.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const file = join(work, 'processing.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    const lines = csv.trim().split(/\r\n/);
    assert.equal(lines.length, 2, csv);
    assert.ok(lines[1].includes('Customer newsletter') && lines[1].includes('Marketing; Product news'), csv);
    assert.ok(lines[1].includes('Singapore') && lines[1].includes('standard contract'), csv);
    assert.ok(lines[1].includes('Two years after the last order'), csv);
    // Deleting is logged too, by record type and id.
    const id = lines[1].split(',')[2];
    await page.getByRole('button', { name: 'Delete Customer newsletter' }).click();
    await page.getByText('Processing activity deleted.').waitFor();
    await page.getByText('No processing activities yet.').waitFor();
    await page.getByLabel('Action').selectOption({ label: 'Deleted' });
    const rows = await auditRows(page);
    assert.ok(rows.some((r) => r.includes(`processing_activity ${id}`)), rows.join('\n'));
    await page.getByLabel('Action').selectOption({ label: 'Any action' });
  });

  await t.test("another device of the account sees this device's log and finds the same break", async () => {
    await createAccount(page, ACCOUNT, PASSPHRASE);
    const b = await openDevice(server.url, 'b');
    await signInNewDevice(b, ACCOUNT, PASSPHRASE);
    await openSecurity(b);
    const aShort = deviceHex.slice(0, 8);
    await b.locator('.audit-table').getByText(aShort).first().waitFor({ timeout: 20000 });
    await b.locator('.audit-table').getByText('(this device)').first().waitFor();
    await b.getByRole('button', { name: 'Verify' }).click();
    const broken = b.locator('.verify-result .broken li');
    await broken.first().waitFor();
    assert.deepEqual(await broken.allTextContents(), [
      `Chain broken on device ${aShort}: entries 1 to 1 are missing before position 1.`,
    ]);
    await closeDevice('b');
  });

  await t.test('the IP allowlist is kept, cannot lock the user out, and refuses other networks at sign-in', async () => {
    await openSecurity(page);
    const list = page.getByLabel('IP allowlist');
    await page.getByRole('button', { name: 'Save allowlist' }).and(page.locator(':enabled')).waitFor({ timeout: 15000 });
    await list.fill('127.0.0.1/32');
    await page.getByRole('button', { name: 'Save allowlist' }).click();
    await page.getByText('Allowlist saved.').waitFor();
    await page.reload();
    await unlock(page, PASSPHRASE);
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await openSecurity(page);
    await page.waitForFunction(() => document.querySelector('#ip-allowlist')?.value === '127.0.0.1/32', null, { timeout: 15000 });
    await page.getByText(/^This device's session expires \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/).waitFor();
    // A list without this address is refused before it can lock anyone out.
    await list.fill('10.9.9.0/24');
    await page.getByRole('button', { name: 'Save allowlist' }).click();
    await page.getByText('This list would lock you out').waitFor();
    // From the other network, a list of only that network is accepted.
    await list.fill('127.0.0.1/32\n10.9.9.0/24');
    await page.getByRole('button', { name: 'Save allowlist' }).click();
    await page.getByText('Allowlist saved.').waitFor();
    await page.context().setExtraHTTPHeaders({ 'X-Forwarded-For': OTHER_NET_IP });
    await list.fill('10.9.9.0/24');
    await page.getByRole('button', { name: 'Save allowlist' }).click();
    await page.getByText('Allowlist saved.').waitFor();
    await page.context().setExtraHTTPHeaders({});
    // The next sign-in, from 127.0.0.1, is refused with a clear message.
    const c = await openDevice(server.url, 'c');
    await c.getByRole('button', { name: 'I already have an account' }).click();
    await c.getByLabel('Account name (e-mail)').fill(ACCOUNT);
    await c.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await c.getByRole('button', { name: 'Sign in' }).click();
    await c.getByText('This account does not allow sign-ins from this network.').waitFor({ timeout: 30000 });
  });

  await t.test('at 360 px the security page has no horizontal scroll', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
    await accessibility(page, 'security page at 360 px');
  });
});
