// Privacy controls, end to end in real Chromium against the real server:
// the consent ledger on a contact (kept whole across a reload) and the
// export that requires a consent; restriction of processing (badge,
// read-only form, hidden from search unless asked for, left out of
// exports, lifting on record); the data-subject request register (the
// GDPR deadline, the person's zip checked file by file); retention rules
// (preview, then anonymisation); axe on the Privacy page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { startServer, tempDir, removeDir, unlock } from './support.mjs';
import { openDevice, closeDevices, createVault, saveContact, accessibility } from './devices.mjs';

const PASSPHRASE = 'quiet ledgers remember seven brass keys';

let server;
let dataDir;
let work;

before(async () => {
  dataDir = tempDir('coffer-e2e-privacy-data-');
  work = tempDir('coffer-e2e-privacy-files-');
  server = await startServer(dataDir);
});

after(async () => {
  await closeDevices();
  await server?.stop();
  removeDir(dataDir);
  removeDir(work);
});

function person(given, family, domain) {
  return {
    given, family, email: `${given.toLowerCase()}.${family.toLowerCase()}@${domain}`,
    company: `${family} Trading`, job: 'Buyer', notes: `${given} prefers email`,
  };
}

async function newVault(name) {
  const page = await openDevice(server.url, name);
  await createVault(page, PASSPHRASE);
  return page;
}

async function gotoContacts(page) {
  await page.getByRole('button', { name: 'Contacts', exact: true }).click();
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
}

async function gotoPrivacy(page) {
  await page.getByRole('button', { name: 'Privacy', exact: true }).click();
  await page.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor();
}

async function search(page, text) {
  await page.locator('#search').fill(text);
}

async function openContact(page, c) {
  await search(page, c.email);
  await page.getByRole('button', { name: new RegExp(`^${c.given} ${c.family}`) }).click();
  await page.locator('#contact-privacy').waitFor();
}

async function recordConsent(page, button, notice) {
  await page.getByLabel('Purpose').selectOption({ label: 'Marketing email' });
  await page.getByLabel('Where it came from').fill('Newsletter sign-up form');
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByText(notice).waitFor();
}

/// Exports the list as CSV (optionally requiring a consent) and returns the file's text.
async function exportCsv(page, file, consentLabel = 'No consent needed') {
  await search(page, '');
  const panel = page.locator('.export-panel');
  if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();
  await page.getByLabel('Export format').selectOption({ label: 'CSV (spreadsheet)' });
  await page.locator('#export-consent').selectOption({ label: consentLabel });
  const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('.actions button').click()]);
  const path = join(work, file);
  await download.saveAs(path);
  return readFileSync(path, 'utf8');
}

/// The entries of a zip file by name (stored or deflated), read from its
/// central directory.
function unzip(bytes) {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'zip has an end of central directory');
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50);
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLen = bytes.readUInt16LE(at + 28);
    const extraLen = bytes.readUInt16LE(at + 30);
    const commentLen = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const raw = bytes.subarray(dataAt, dataAt + size);
    files.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

/// The GDPR deadline, computed here on its own: one calendar month after
/// the day received, clamped to the month's end.
function gdprDeadline(received) {
  const [y, m, d] = received.split('-').map(Number);
  const year = m === 12 ? y + 1 : y;
  const month = m === 12 ? 1 : m + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

function localToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test('consent is recorded and withdrawn, the history keeps both, and a consent-only export follows it', async () => {
  const page = await newVault('consent');
  const ann = person('Ann', 'Ledger', 'consent.example');
  const ben = person('Ben', 'Bystander', 'consent.example');
  await saveContact(page, ann);
  await saveContact(page, ben);

  await openContact(page, ann);
  await recordConsent(page, 'Record consent', 'Consent recorded.');
  let csv = await exportCsv(page, 'given.csv', 'Marketing email');
  assert.ok(csv.includes(ann.email), 'Ann consented: she is exported');
  assert.ok(!csv.includes(ben.email), 'Ben was never asked: he is left out');

  await recordConsent(page, 'Withdraw consent', 'Consent withdrawn.');
  const rows = page.locator('#consent-history tbody tr');
  await assert.doesNotReject(rows.nth(1).waitFor());
  assert.equal(await rows.count(), 2);
  // Newest first: the withdrawal, then the grant, both kept.
  assert.match(await rows.nth(0).innerText(), /Marketing email\s+Withdrawn\s+Consent\s+Newsletter sign-up form\s+You, on this device/);
  assert.match(await rows.nth(1).innerText(), /Marketing email\s+Given/);

  csv = await exportCsv(page, 'withdrawn.csv', 'Marketing email');
  assert.ok(!csv.includes(ann.email), 'after withdrawal Ann is left out of a marketing export');
  csv = await exportCsv(page, 'everyone.csv');
  assert.ok(csv.includes(ann.email) && csv.includes(ben.email), 'without the consent option both are exported');

  // The list filter asks the same question.
  await page.locator('#list-consent').selectOption({ label: 'Marketing email' });
  await search(page, '');
  await page.getByText('No contact matches “”.').waitFor();
  await page.locator('#list-consent').selectOption({ label: 'No consent needed' });

  await page.reload();
  await unlock(page, PASSPHRASE);
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  await openContact(page, ann);
  await page.locator('#consent-history tbody tr').nth(1).waitFor();
  assert.equal(await page.locator('#consent-history tbody tr').count(), 2);
  assert.match(await page.locator('.consent-now').innerText(), /Marketing email: Withdrawn/);
});

test('a restricted contact is badged, read-only, hidden from search unless asked for, and never exported', async () => {
  const page = await newVault('restriction');
  const rita = person('Rita', 'Restricted', 'hold.example');
  const otto = person('Otto', 'Open', 'hold.example');
  await saveContact(page, rita);
  await saveContact(page, otto);

  await openContact(page, rita);
  await page.getByLabel('Reason').selectOption({ label: 'The person contests the data\'s accuracy' });
  await page.getByRole('button', { name: 'Restrict processing', exact: true }).click();
  await page.getByText('Processing restricted.').waitFor();

  // Its page: a badge and an explanation, every field disabled, no Save.
  const note = page.locator('#restricted-note');
  await note.waitFor();
  assert.match(await note.innerText(), /Restricted.*read-only/s);
  assert.equal(await page.getByLabel('Given name').isDisabled(), true);
  assert.equal(await page.getByLabel('Job title').isDisabled(), true);
  assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled(), true);
  // Its masked notes can still be read (an audited reveal), not edited.
  await page.getByRole('button', { name: 'Reveal Notes' }).click();
  assert.equal(await page.getByLabel('Notes').inputValue(), rita.notes);
  assert.equal(await page.getByLabel('Notes').isEditable(), false);

  // Search leaves it out by default…
  await search(page, 'Rita');
  await page.getByText('No contact matches “Rita”.').waitFor();
  assert.equal(await page.locator('.contact-list > li').count(), 0);
  // …and finds it, badged, when asked to.
  await page.getByLabel('Include restricted contacts').check();
  const row = page.locator('.contact-list > li').filter({ hasText: 'Rita Restricted' });
  await row.waitFor();
  assert.equal(await row.locator('.badge.restricted').innerText(), 'Restricted');

  // Exports leave it out even with restricted contacts listed.
  const csv = await exportCsv(page, 'restricted.csv');
  assert.ok(csv.includes(otto.email));
  assert.ok(!csv.includes(rita.email), 'a restricted contact is not exported');
  await page.getByText('Exported contacts: 1.').waitFor();

  // Lifting is recorded and the form is editable again.
  await page.getByRole('button', { name: 'Lift the restriction', exact: true }).click();
  await page.getByText('Restriction lifted.').waitFor();
  await page.locator('.restriction-history li').first().waitFor();
  assert.match(await page.locator('.restriction-history').innerText(), /Restricted since .* lifted at/);
  assert.equal(await page.getByLabel('Given name').isDisabled(), false);
  await page.getByLabel('Include restricted contacts').uncheck();
  await search(page, 'Rita');
  await page.locator('.contact-list > li').filter({ hasText: 'Rita Restricted' }).waitFor();
});

test('an access request shows its GDPR deadline and downloads the person\'s data as a zip', async () => {
  const page = await newVault('access');
  const aiko = person('Aiko', 'Tanaka', 'access.example');
  await saveContact(page, aiko);
  await saveContact(page, person('Other', 'Person', 'access.example'));
  await openContact(page, aiko);
  await recordConsent(page, 'Record consent', 'Consent recorded.');

  await gotoPrivacy(page);
  await page.getByText('No requests yet.').waitFor();
  await page.locator('.request-form summary').click();
  await page.getByLabel('Request', { exact: true }).selectOption({ label: 'Access (a copy of their data)' });
  await page.getByLabel('Law').selectOption({ label: 'GDPR (one month)' });
  const received = '2026-01-31';
  await page.getByLabel('Received on').fill(received);
  await page.getByLabel('Person (search your contacts)').fill('Aiko');
  await page.locator('.person-matches button').filter({ hasText: 'Aiko Tanaka' }).click();
  await page.getByText('Chosen: Aiko Tanaka').waitFor();
  await page.getByRole('button', { name: 'Log request', exact: true }).click();
  await page.getByText('Request logged.').waitFor();

  const row = page.locator('#request-register tbody tr').filter({ hasText: 'Aiko Tanaka' });
  await row.waitFor();
  const expected = gdprDeadline(received);
  assert.equal(expected, '2026-02-28');
  assert.equal(await row.locator('.deadline').innerText(), expected);
  assert.match(await row.locator('.urgency').innerText(), /days overdue|days left|Due today/);

  await accessibility(page, 'privacy page with a request');
  // A phone screen: nothing wider than the page (the register scrolls in place).
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the Privacy page is ${overflow}px too wide at 360px`);
  await page.setViewportSize({ width: 1280, height: 800 });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: /^Download the person's data/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^coffer-access-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.zip$/);
  const path = join(work, 'access.zip');
  await download.saveAs(path);
  const files = unzip(readFileSync(path));
  for (const name of ['README.txt', 'person.json', 'contact.csv', 'consent.csv', 'requests.csv']) {
    assert.ok(files.has(name), `${name} in ${[...files.keys()]}`);
  }
  const json = JSON.parse(files.get('person.json').toString('utf8'));
  assert.equal(json.contact.emails[0].address, aiko.email);
  assert.equal(json.consent.length, 1);
  assert.equal(json.consent[0].decision, 'given');
  assert.deepEqual(json.consent[0].purpose, 'marketing_email');
  assert.ok(!files.get('person.json').toString('utf8').includes('other.person@'), 'no one else is in it');
  assert.ok(files.get('contact.csv').toString('utf8').includes(aiko.email));

  // The fulfilment is recorded on the request.
  await page.getByText('The person\'s data was downloaded').waitFor();
  await row.getByText(`Fulfilled on ${localToday()}`).waitFor();
  assert.match(await row.innerText(), /Completed/);

  // A request links to the person's page (where rectification happens and
  // the history keeps old values).
  await row.getByRole('button', { name: /^Open the contact/ }).click();
  await page.locator('#editor-title').waitFor();
  assert.equal(await page.getByLabel('Given name').inputValue(), 'Aiko');
  await page.locator('#record-history').waitFor();
});

test('a retention rule is previewed, then anonymises the contact whose consent was withdrawn', async () => {
  const page = await newVault('retention');
  const wanda = person('Wanda', 'Withdrawn', 'retain.example');
  const karl = person('Karl', 'Kept', 'retain.example');
  await saveContact(page, wanda);
  await saveContact(page, karl);
  await openContact(page, wanda);
  await recordConsent(page, 'Record consent', 'Consent recorded.');
  await recordConsent(page, 'Withdraw consent', 'Consent withdrawn.');
  // A deal with Wanda on it: anonymising her must keep its amount.
  await page.getByRole('button', { name: 'Deals', exact: true }).click();
  await page.getByRole('button', { name: 'New deal' }).click();
  await page.getByLabel('Deal name').fill('Renewal 2027');
  await page.getByLabel('Amount', { exact: true }).fill('2,400');
  await page.getByLabel('Add a contact (search)').fill('Wanda');
  await page.getByRole('button', { name: 'Add Wanda Withdrawn' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Renewal 2027 saved.').waitFor();

  await gotoPrivacy(page);
  await page.getByText('No retention rules yet.').waitFor();
  await page.getByLabel('When').selectOption({ label: 'All consent withdrawn for (days)' });
  await page.getByLabel('Months or days').fill('0');
  await page.getByLabel('Then').selectOption({ label: 'Anonymise' });
  await page.getByRole('button', { name: 'Add rule', exact: true }).click();
  await page.getByText('Rule added.').waitFor();
  await page.locator('#retention-rules li').filter({ hasText: 'Anonymise contacts whose consent was all withdrawn 0 days ago' }).waitFor();

  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const preview = page.locator('#retention-preview li');
  await preview.first().waitFor();
  assert.equal(await preview.count(), 1, 'only Wanda is due');
  assert.match(await preview.first().innerText(), /Anonymise: Wanda Withdrawn — all consent withdrawn on/);

  await accessibility(page, 'privacy page with a retention preview');

  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByText('Retention rules: 1 anonymised, 0 erased.').waitFor();

  // The deal keeps its amount for reporting.
  await page.getByRole('button', { name: 'Deals', exact: true }).click();
  await page.getByRole('button', { name: 'Table', exact: true }).click();
  await page.getByRole('button', { name: 'Reveal amounts and sensitive values' }).click();
  await page.getByRole('row', { name: /Renewal 2027/ }).getByText('CN¥2,400.00').waitFor();

  await gotoContacts(page);
  await search(page, 'Wanda');
  await page.getByText('No contact matches “Wanda”.').waitFor();
  await search(page, wanda.email);
  await page.getByText(`No contact matches “${wanda.email}”.`).waitFor();
  await search(page, 'Karl');
  await page.locator('.contact-list > li').filter({ hasText: 'Karl Kept' }).waitFor();
  // Still two contacts: anonymised, not deleted; its company survives.
  await search(page, 'Withdrawn Trading');
  const anon = page.locator('.contact-list > li').first();
  await anon.waitFor();
  const text = await anon.innerText();
  assert.ok(!text.includes('Wanda') && !text.includes(wanda.email) && !text.includes('Buyer'), text);

  // A second preview finds nothing left to do.
  await gotoPrivacy(page);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.getByText('No record is due under these rules.').waitFor();

  // The rules also run on unlock, and say what they did.
  await gotoContacts(page);
  const vera = person('Vera', 'Later', 'retain.example');
  await saveContact(page, vera);
  await openContact(page, vera);
  await recordConsent(page, 'Record consent', 'Consent recorded.');
  await recordConsent(page, 'Withdraw consent', 'Consent withdrawn.');
  await page.reload();
  await unlock(page, PASSPHRASE);
  await page.getByText('Retention rules: 1 anonymised, 0 erased.').waitFor();
  await search(page, 'Vera');
  await page.getByText('No contact matches “Vera”.').waitFor();
  await search(page, 'Karl');
  await page.locator('.contact-list > li').filter({ hasText: 'Karl Kept' }).waitFor();
});

test('an erasure rule erases the contact for good, after its preview', async () => {
  const page = await newVault('erasure-rule');
  const eve = person('Eve', 'Erased', 'erase-rule.example');
  const finn = person('Finn', 'Fine', 'erase-rule.example');
  await saveContact(page, eve);
  await saveContact(page, finn);
  await openContact(page, eve);
  await recordConsent(page, 'Record consent', 'Consent recorded.');
  await recordConsent(page, 'Withdraw consent', 'Consent withdrawn.');

  await gotoPrivacy(page);
  await page.getByLabel('When').selectOption({ label: 'All consent withdrawn for (days)' });
  await page.getByLabel('Months or days').fill('0');
  await page.getByLabel('Then').selectOption({ label: 'Erase' });
  await page.getByRole('button', { name: 'Add rule', exact: true }).click();
  await page.getByText('Rule added.').waitFor();
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const preview = page.locator('#retention-preview li');
  await preview.first().waitFor();
  assert.equal(await preview.count(), 1);
  assert.match(await preview.first().innerText(), /^Erase: Eve Erased/);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByText('Retention rules: 0 anonymised, 1 erased.').waitFor();

  await gotoContacts(page);
  // Unlike anonymisation, nothing of the record is left, not even its company.
  await search(page, 'Erased Trading');
  await page.getByText('No contact matches “Erased Trading”.').waitFor();
  await search(page, 'Finn');
  await page.locator('.contact-list > li').filter({ hasText: 'Finn Fine' }).waitFor();
});

test('a retention rule anonymises closed tickets and leaves the open ones', async () => {
  const page = await newVault('ticket-retention');
  const tickets = async () => {
    await page.getByRole('button', { name: 'Tickets', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Tickets', exact: true }).waitFor();
  };
  const row = (subject) => page.locator('.ticket-row').filter({ hasText: subject });
  const newTicket = async (subject) => {
    await page.getByRole('button', { name: 'New ticket' }).click();
    await page.locator('.ticket-editor form').getByLabel('Subject').fill(subject);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await row(subject).waitFor();
  };
  await tickets();
  await newTicket('Refund for Olga Petrova');
  await newTicket('Printer still broken');
  await row('Refund for Olga Petrova').getByRole('button', { name: 'Refund for Olga Petrova' }).click();
  await page.waitForFunction(() => document.querySelector('.ticket-editor form input')?.value === 'Refund for Olga Petrova');
  const status = page.locator('.ticket-status');
  await status.getByRole('button', { name: 'Move to Open' }).click();
  await status.locator('.status-now', { hasText: 'Open' }).waitFor();
  await status.getByRole('button', { name: 'Move to Resolved' }).click();
  await status.locator('.status-now', { hasText: 'Resolved' }).waitFor();

  await gotoPrivacy(page);
  await page.getByLabel('Records', { exact: true }).selectOption({ label: 'Closed tickets' });
  // Consent belongs to people: no such rule for tickets.
  await page.getByLabel('When').selectOption({ label: 'All consent withdrawn for (days)' });
  await page.getByLabel('Months or days').fill('0');
  await page.getByRole('button', { name: 'Add rule', exact: true }).click();
  await page.getByText('Consent applies to contacts only.').waitFor();
  await page.getByLabel('When').selectOption({ label: 'No activity for (months)' });
  await page.getByLabel('Then').selectOption({ label: 'Anonymise' });
  await page.getByRole('button', { name: 'Add rule', exact: true }).click();
  await page.getByText('Rule added.').waitFor();
  await page.locator('#retention-rules li').filter({ hasText: 'Anonymise closed tickets with no activity for 0 months' }).waitFor();

  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const preview = page.locator('#retention-preview li');
  await preview.first().waitFor();
  assert.equal(await preview.count(), 1, 'only the resolved ticket is due');
  assert.match(await preview.first().innerText(), /^Anonymise: Refund for Olga Petrova — no activity since/);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByText('Retention rules: 1 anonymised, 0 erased.').waitFor();

  // The open ticket is untouched; the resolved one is kept, without its
  // subject, still counted as resolved.
  await tickets();
  await row('Printer still broken').waitFor();
  assert.equal(await row('Refund for Olga Petrova').count(), 0);
  assert.equal(await page.locator('.ticket-row').count(), 2);
  await page.locator('.filters').getByLabel('Status', { exact: true }).selectOption({ label: 'Resolved' });
  await page.getByText('1 tickets').waitFor();
  assert.ok(!(await page.locator('main').innerText()).includes('Olga'));
  // A second preview finds nothing left to do.
  await gotoPrivacy(page);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.getByText('No record is due under these rules.').waitFor();
});

function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

test('CCPA requests: an opt-out runs on 15 business days; a request to know is extended by 45 days', async () => {
  const page = await newVault('ccpa');
  const cara = person('Cara', 'Lopez', 'ccpa.example');
  await saveContact(page, cara);
  await gotoPrivacy(page);
  const log = async (ccpaKind, received) => {
    await page.locator('.request-form summary').click();
    await page.getByLabel('Law').selectOption({ label: 'CCPA (45 days)' });
    await page.getByLabel('CCPA request').selectOption({ label: ccpaKind });
    await page.getByLabel('Received on').fill(received);
    await page.getByLabel('Person (search your contacts)').fill('Cara');
    await page.locator('.person-matches button').filter({ hasText: 'Cara Lopez' }).click();
    await page.getByRole('button', { name: 'Log request', exact: true }).click();
    await page.getByText('Request logged.').waitFor();
    await page.locator('.request-form summary').click();
  };
  const row = (kind) => page.locator('#request-register tbody tr').filter({ hasText: kind });

  // Received on a Monday: 15 business days later is the Monday three weeks on.
  await log('Opt out of sale or sharing (15 business days)', '2026-11-02');
  const optOut = row('Opt out of sale or sharing');
  await optOut.waitFor();
  assert.equal(await optOut.locator('.deadline').innerText(), '2026-11-23');
  // The law allows no extension of an opt-out.
  assert.equal(await optOut.getByRole('button', { name: /^Extend deadline/ }).count(), 0);

  const today = localToday();
  await log('Right to know', today);
  const know = row('Right to know');
  await know.waitFor();
  assert.equal(await know.locator('.deadline').innerText(), addDays(today, 45));
  // The confirmation (the person must be told) is accepted by the page's dialog handler.
  await know.getByRole('button', { name: /^Extend deadline/ }).click();
  await page.getByText(`Deadline extended to ${addDays(today, 90)}.`).waitFor();
  await know.locator('.deadline', { hasText: addDays(today, 90) }).waitFor();
  await know.getByText('(extended)').waitFor();
  // Only once.
  assert.equal(await know.getByRole('button', { name: /^Extend deadline/ }).count(), 0);
  await accessibility(page, 'privacy page with CCPA requests');
});
