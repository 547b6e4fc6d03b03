// Import and export, in real Chromium against the real server: every
// fixture header style arrives with names, emails and phones; bad rows are
// listed and the good ones import; a fixed file updates what is there;
// undo puts things back; CSV and vCard exports re-import into a fresh vault
// without loss; the import page speaks Chinese and passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { startServer, launchBrowser, tempDir, removeDir, collectConsole } from './support.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../crates/core/tests/fixtures');
const PASSPHRASE = 'amber lighthouse counts seven quiet herons';

// What a user would look for after each import: one row per person, found
// by email, with the name's parts and the phone's digits.
const FIXTURE_CASES = [
  {
    file: 'zoho_contacts.csv', format: 'Zoho CRM export', created: 3,
    people: [
      { email: 'wei.zhang@starlight.example.cn', name: ['Wei', 'Zhang'], phone: '13800138000' },
      { email: 'wangfang@xingchen.example.cn', name: ['王', '芳'], phone: '13912345678' },
      { email: 'emily.brown@acme.example.com', name: ['Emily', 'Brown'], phone: '5551234567' },
    ],
  },
  {
    file: 'hubspot_contacts.csv', format: 'HubSpot export', created: 3,
    people: [
      { email: 'sarah.miller@northwind.example.com', name: ['Sarah', 'Miller'], phone: '6175550134' },
      { email: 'li.wei@huaxin.example.cn', name: ['李', '伟'], phone: '75588886666' },
      { email: 'tom@example.org', name: ['Tom', 'Nguyen'] },
    ],
  },
  {
    file: 'salesforce_contacts.csv', format: 'Salesforce export', created: 2,
    people: [
      { email: 'anna.schmidt@globex.example.de', name: ['Anna', 'Schmidt'], phone: '301234567' },
      { email: 'chen.ming@mingda.example.cn', name: ['陈', '明'], phone: '38881234' },
    ],
  },
  {
    file: 'google_contacts.csv', format: 'Google Contacts export', created: 2,
    people: [
      { email: 'maria.garcia@contoso.example.com', name: ['Maria', 'Garcia'], phone: '612345678' },
      { email: 'liuxh@yunfan.example.cn', name: ['刘', '小红'], phone: '13857123456' },
    ],
  },
  {
    // Both phones end in the same 9 digits (+33 612345678, +86 136 1234 5678):
    // two people, because phone match keys keep the country code.
    file: 'twenty_people.csv', format: 'Twenty export', created: 2,
    people: [
      { email: 'lucas.martin@example.fr', name: ['Lucas', 'Martin'], phone: '612345678' },
      { email: 'sunjing@example.cn', name: ['孙', '静'], phone: '13612345678' },
    ],
  },
  {
    file: 'espocrm_contacts.csv', format: 'EspoCRM export', created: 2,
    people: [
      { email: 'olivia.wilson@initech.example.com', name: ['Olivia', 'Wilson'], phone: '5125550100' },
      { email: 'huangqiang@jinling.example.cn', name: ['黄', '强'], phone: '84681234' },
    ],
  },
  {
    file: 'chinese_gb18030.csv', format: 'Chinese spreadsheet', created: 3,
    people: [
      { email: 'zhangwei@example.cn', name: ['张伟'], phone: '13800138000' },
      { email: 'lina@example.cn', name: ['李娜'], phone: '13912345678' },
      { search: '王芳', name: ['王芳'], phone: '13700001111' },
    ],
  },
];

let server;
let dataDir;
const profiles = [];
let context;
let page;
let consoleLines;

before(async () => {
  dataDir = tempDir('coffer-e2e-import-data-');
  server = await startServer(dataDir);
});

after(async () => {
  if (process.env.COFFER_E2E_DEBUG) console.log(consoleLines?.join('\n'));
  await context?.close();
  await server?.stop();
  for (const p of profiles) removeDir(p);
  removeDir(dataDir);
});

/// A fresh browser profile with a new vault, on the contacts page.
async function freshVault() {
  await context?.close();
  const profile = tempDir('coffer-e2e-import-profile-');
  profiles.push(profile);
  context = await launchBrowser(profile, { acceptDownloads: true });
  page = context.pages()[0] ?? (await context.newPage());
  consoleLines = collectConsole(page);
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Repeat passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await page.getByLabel('I have stored the recovery code safely').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
}

async function accessibility(name) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `accessibility violations on ${name}`,
  );
}

async function openImport() {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('heading', { name: 'Import contacts' }).waitFor();
}

async function openContacts() {
  await page.getByRole('button', { name: 'Contacts', exact: true }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
}

/// Picks the file, checks the detected format, imports; returns the summary lines.
async function importFile(path, { format, mode, unmatch = [] } = {}) {
  await openImport();
  await page.getByLabel('File to import').setInputFiles(path);
  if (format) await page.locator('#import-format').getByText(format, { exact: true }).waitFor();
  else await page.locator('#import-format').waitFor();
  if (mode) await page.getByLabel(mode).check();
  for (const option of unmatch) await page.getByLabel(option).uncheck();
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 60000 });
  return page.locator('.summary-counts li').allTextContents();
}

async function undoImport() {
  await openImport();
  await page.getByRole('button', { name: 'Undo this import' }).click();
  const status = page.getByText(/^Import undone:/);
  await status.waitFor();
  return status.textContent();
}

function listRows() {
  return page.locator('.contact-list > li');
}

async function search(text) {
  await page.getByLabel('Search contacts').fill(text);
}

/// Finds a person in the list (by email, or a search term) and checks the
/// name and phone the list row shows.
async function expectPerson(p) {
  await search(p.email ?? p.search);
  await page.waitForFunction(() => document.querySelectorAll('.contact-list > li').length === 1);
  const name = await page.locator('.contact-list .name').textContent();
  for (const part of p.name) assert.ok(name.includes(part), `${name} should include ${part}`);
  const points = await page.locator('.contact-list .points').textContent();
  if (p.email) assert.ok(points.includes(p.email), `${points} should show ${p.email}`);
  if (p.company) assert.equal(await page.locator('.contact-list .org').textContent(), p.company);
  // The list shows only the first phone; searching by the digits finds the person.
  if (p.phone) {
    await search(p.phone);
    await page.waitForFunction(
      (part) => [...document.querySelectorAll('.contact-list .name')].some((n) => n.textContent.includes(part)),
      p.name[0],
    );
  }
}

async function contactCount() {
  await openContacts();
  await search('');
  const text = await page.locator('.list-head .count').textContent();
  return Number(text.match(/\d+/)[0]);
}

async function exportAs(formatLabel, file) {
  await openContacts();
  await search('');
  const panel = page.locator('.export-panel');
  if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();
  await page.getByLabel('Export format').selectOption({ label: formatLabel });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.locator('.actions button').click(),
  ]);
  await download.saveAs(file);
  await page.getByText(/^Exported contacts: \d+\.$/).waitFor();
  return readFileSync(file);
}

/// A contact's fields as a user sees them, order-independent lists.
function comparable(c) {
  const sortBy = (k) => (a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0);
  return {
    salutation: c.salutation, given_name: c.given_name, family_name: c.family_name, full_name: c.full_name,
    emails: [...(c.emails ?? [])].sort(sortBy('address')),
    phones: [...(c.phones ?? [])].sort(sortBy('number')),
    wechat: c.wechat, company: c.company, job_title: c.job_title, address: c.address,
    source: c.source, owner: c.owner, notes: c.notes, tags: [...(c.tags ?? [])].sort(),
  };
}

function contactsOf(jsonBytes) {
  const doc = JSON.parse(jsonBytes.toString('utf8'));
  assert.equal(doc.format, 'coffer-export');
  const key = (c) => JSON.stringify(comparable(c));
  return (doc.records.contact ?? []).map(comparable).sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

test('import and export contacts', async (t) => {
  const work = tempDir('coffer-e2e-import-files-');
  profiles.push(work);
  await freshVault();

  await t.test('the import page is reachable by keyboard and accessible', async () => {
    const button = page.getByRole('button', { name: 'Import', exact: true });
    await button.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Import contacts' }).waitFor();
    await page.getByLabel('File to import').setInputFiles(join(FIXTURES, 'zoho_contacts.csv'));
    await page.getByLabel('Field for column “Email”').waitFor();
    await accessibility('import page with a mapping');
    // The proposed mapping is shown, and each select can be changed.
    assert.equal(await page.getByLabel('Field for column “Mobile”').inputValue(), 'mobile');
    assert.equal(await page.getByLabel('Field for column “Record Id”').inputValue(), 'ignore');
    await page.getByLabel('Field for column “Skype ID”').selectOption({ label: 'WeChat ID' });
    assert.equal(await page.getByLabel('Field for column “Skype ID”').inputValue(), 'wechat');
    await page.locator('.import-preview').getByText('wei.zhang@starlight.example.cn').waitFor();
    await openContacts();
  });

  await t.test('the import page fits a 360 px wide screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  for (const c of FIXTURE_CASES) {
    await t.test(`${c.file}: names, emails and phones arrive; undo removes them`, async () => {
      const summary = await importFile(join(FIXTURES, c.file), { format: c.format, unmatch: c.unmatch });
      assert.deepEqual(summary, [`Created: ${c.created}`, 'Updated: 0', 'Skipped (already there or no match): 0', 'Rows with errors: 0']);
      await openContacts();
      for (const p of c.people) await expectPerson(p);
      assert.equal(await contactCount(), c.created);
      assert.equal(await undoImport(), `Import undone: ${c.created} deleted, 0 restored.`);
      assert.equal(await contactCount(), 0);
    });
  }

  await t.test('a malformed file lists its bad rows and imports the good ones', async () => {
    const summary = await importFile(join(FIXTURES, 'malformed.csv'));
    assert.deepEqual(summary, ['Created: 3', 'Updated: 0', 'Skipped (already there or no match): 0', 'Rows with errors: 4']);
    const errors = await page.locator('table.import-errors tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    assert.deepEqual(errors.slice(0, 3), [
      ['2', 'Email', 'Not a valid email address'],
      ['3', 'First Name', 'No name'],
      ['4', 'Phone', 'Not a valid phone number'],
    ]);
    assert.equal(errors[3][0], '5');
    assert.match(errors[3][2], /cells but only 5 columns/);
    await accessibility('import summary with errors');
    await openContacts();
    for (const email of ['ann@example.com', 'frank@example.com', 'gina@example.com']) {
      await search(email);
      await page.waitForFunction(() => document.querySelectorAll('.contact-list > li').length === 1);
    }
    assert.equal(await contactCount(), 3);
  });

  await t.test('the fixed file updates the good rows and adds the fixed ones; undo restores', async () => {
    const fixed = readFileSync(join(FIXTURES, 'malformed.csv'), 'utf8')
      .replace('not-an-email', 'bob@example.com')
      .replace('call me', '555-7777')
      .replace('ann@example.com,555-1234,Acme', 'ann@example.com,555-1234,Acme Labs');
    const path = join(work, 'fixed.csv');
    writeFileSync(path, fixed);
    const summary = await importFile(path);
    assert.deepEqual(summary, ['Created: 2', 'Updated: 3', 'Skipped (already there or no match): 0', 'Rows with errors: 2']);
    await openContacts();
    await expectPerson({ email: 'bob@example.com', name: ['Bob'], phone: '5559876' });
    await expectPerson({ email: 'dan@example.com', name: ['Dan', 'Wu'], phone: '5557777' });
    await expectPerson({ email: 'ann@example.com', name: ['Ann', 'Lee'], company: 'Acme Labs' });
    assert.equal(await contactCount(), 5);
    assert.equal(await undoImport(), 'Import undone: 2 deleted, 3 restored.');
    assert.equal(await contactCount(), 3);
    await expectPerson({ email: 'ann@example.com', name: ['Ann', 'Lee'], company: 'Acme' });
  });

  await t.test('in Chinese the import page and the new form fields are translated', async () => {
    await openImport();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '导入联系人' }).waitFor();
    await page.getByLabel('要导入的文件').setInputFiles(join(FIXTURES, 'chinese_gb18030.csv'));
    await page.locator('#import-format').getByText('中文电子表格').waitFor();
    await page.getByLabel('“姓名”列对应的字段').waitFor();
    await page.getByRole('heading', { name: '前几行预览' }).waitFor();
    await page.getByRole('button', { name: '开始导入' }).waitFor();
    await page.getByText('GB18030').waitFor();
    await accessibility('import page in Chinese');
    // The contact form: a local mobile number gets +86; a bad WeChat ID is explained.
    await page.getByRole('button', { name: '联系人', exact: true }).click();
    await page.getByRole('button', { name: '新建联系人' }).click();
    await page.getByLabel('全名（单一字段）').fill('赵敏');
    await page.getByLabel('称呼').fill('女士');
    await page.getByLabel('电话 1', { exact: true }).fill('139 1111 2222');
    await page.getByLabel('微信号').focus();
    assert.match(await page.getByLabel('电话 1', { exact: true }).inputValue(), /^\+86/);
    await page.getByLabel('微信号').fill('x!');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText(/这不是有效的微信号/).waitFor();
    assert.equal(await page.getByLabel('微信号').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('微信号').fill('zhaomin_2024');
    await page.getByLabel('省 / 州').fill('浙江');
    await page.getByLabel('区 / 县').fill('西湖区');
    await page.getByLabel('来源').fill('展会');
    await page.getByLabel('负责人').fill('李娜');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText('赵敏').waitFor();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  });

  let json1;
  let csvPath;
  let vcfPath;
  await t.test('the list exports as CSV (for Excel), vCard and JSON', async () => {
    await importFile(join(FIXTURES, 'zoho_contacts.csv'));
    const csv = await exportAs('CSV (spreadsheet)', (csvPath = join(work, 'export.csv')));
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV starts with a BOM for Excel');
    assert.ok(csv.toString('utf8').includes('赵敏'));
    const vcf = await exportAs('vCard 4.0', (vcfPath = join(work, 'export.vcf')));
    assert.equal(vcf.toString('utf8').match(/BEGIN:VCARD/g).length, 7);
    assert.ok(vcf.toString('utf8').includes('VERSION:4.0'));
    json1 = contactsOf(await exportAs('JSON (every field, for backups)', join(work, 'export1.json')));
    assert.equal(json1.length, 7);
  });

  await t.test('a search result exports only its contacts', async () => {
    await openContacts();
    await search('acme');
    await page.waitForFunction(() => document.querySelectorAll('.contact-list > li').length > 0);
    const listed = await listRows().count();
    const panel = page.locator('.export-panel');
    if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();
    await page.getByLabel('Export format').selectOption({ label: 'CSV (spreadsheet)' });
    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('.actions button').click()]);
    const path = join(work, 'search.csv');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split(/\r\n/);
    assert.equal(lines.length - 1, listed);
  });

  await t.test('the CSV export re-imports into a new vault without loss', async () => {
    await freshVault();
    const summary = await importFile(csvPath, { format: 'Spreadsheet (some columns recognised)' });
    assert.equal(summary[0], 'Created: 7');
    assert.equal(summary[3], 'Rows with errors: 0');
    const json2 = contactsOf(await exportAs('JSON (every field, for backups)', join(work, 'export2.json')));
    assert.deepEqual(json2, json1);
    await undoImport();
    assert.equal(await contactCount(), 0);
  });

  await t.test('the vCard export re-imports without loss', async () => {
    const summary = await importFile(vcfPath, { format: 'vCard file' });
    assert.equal(summary[0], 'Created: 7');
    const json3 = contactsOf(await exportAs('JSON (every field, for backups)', join(work, 'export3.json')));
    assert.deepEqual(json3, json1);
  });

  await t.test('a large file imports in chunks with a progress bar', async () => {
    const rows = 100000;
    const lines = ['First Name,Last Name,Email,Mobile'];
    for (let i = 0; i < rows; i++) lines.push(`Person${i},Bulk,person${i}@bulk.example,+1 415 ${String(10000000 + i).slice(1)}`);
    const path = join(work, 'large.csv');
    writeFileSync(path, lines.join('\n'));
    await openImport();
    await page.getByLabel('File to import').setInputFiles(path);
    await page.locator('#import-format').waitFor();
    await page.getByRole('button', { name: 'Start import' }).click();
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor();
    await page.getByText(new RegExp(`^Saving contacts: \\d+ of ${rows}$`)).waitFor({ timeout: 120000 });
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 300000 });
    assert.equal((await page.locator('.summary-counts li').allTextContents())[0], `Created: ${rows}`);
    assert.equal(await contactCount(), rows + 7);
  });
});
