// The CRM journey in real Chromium against the real server: companies with
// a checked unified social credit code, the companies table (sort, filter,
// saved view surviving a reload), a custom field, deals on the pipeline
// board moved by mouse and by keyboard (totals and stage kept after a
// reload), the weighted forecast, merging duplicate companies, and a stage
// mapped to another outcome in the pipeline editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { startServer, launchBrowser, tempDir, removeDir, collectConsole, unlock } from './support.mjs';

const PASSPHRASE = 'copper harbour lights 9 quiet ferries';
const VALID_USCC = '91350100M000100Y43';
const TYPO_USCC = '91350100M000100Y44';

let server;
let dataDir;
let profileDir;
let context;
let page;
let consoleLines;
const pageErrors = [];

before(async () => {
  dataDir = tempDir('coffer-e2e-data-');
  profileDir = tempDir('coffer-e2e-profile-');
  server = await startServer(dataDir);
  context = await launchBrowser(profileDir);
  page = context.pages()[0] ?? (await context.newPage());
  consoleLines = collectConsole(page);
  page.on('pageerror', (e) => pageErrors.push(`${e.message} ${(e.stack || '').split('\n').slice(8, 14).join(' | ')}`));
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(server.url);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Repeat passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await page.getByLabel('I have stored the recovery code safely').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
});

after(async () => {
  if (process.env.COFFER_E2E_DEBUG) console.log(consoleLines.join('\n'));
  await context?.close();
  await server?.stop();
  removeDir(profileDir);
  removeDir(dataDir);
});

async function accessibility(name) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `accessibility violations on ${name}`,
  );
}

async function go(name) {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

async function reloadAndUnlock() {
  await page.reload();
  await unlock(page, PASSPHRASE);
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
}

async function newCompany({ name, domain = '', industry = '', uscc = '' }) {
  await page.getByRole('button', { name: 'New company' }).click();
  await page.getByLabel('Company name').fill(name);
  if (domain) await page.getByLabel('Domain').fill(domain);
  if (industry) await page.getByLabel('Industry').fill(industry);
  if (uscc) await page.getByLabel('Registration number').fill(uscc);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(`${name} saved.`).waitFor();
  await page.getByRole('button', { name: 'Back to companies' }).click();
}

/// The first-column names of the table's rows, top to bottom.
async function tableNames() {
  return page.locator('table.data-table tbody th').allTextContents();
}

/// A board column's figures.
async function column(stage) {
  const col = page.locator(`section.stage[data-stage="${stage}"]`);
  return {
    count: (await col.locator('.stage-count').textContent()).trim(),
    total: (await col.locator('.stage-total').textContent()).trim(),
    cards: await col.locator('.deal-card .card-name').allTextContents(),
  };
}

test('companies, deals on the board, views, custom fields, duplicates', async (t) => {
  await t.test('a company with a mistyped USCC is refused with the reason, then saved', async () => {
    await go('Companies');
    await accessibility('companies page');
    await page.getByRole('button', { name: 'New company' }).click();
    await accessibility('company form');
    await page.getByLabel('Company name').fill('Acme Trading');
    await page.getByLabel('Domain').fill('acme.example');
    await page.getByLabel('Industry').fill('Wholesale');
    await page.getByLabel('Owner').fill('  Mei   Chen ');
    await page.getByLabel('Registration number').fill(TYPO_USCC);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('The check character does not match: there is a typo in this code.').waitFor();
    assert.equal(await page.getByLabel('Registration number').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Registration number').fill(VALID_USCC);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Acme Trading saved.').waitFor();
    // The record page: its contacts, deals and timeline beside the form.
    await page.getByRole('heading', { name: 'Acme Trading', level: 1 }).waitFor();
    await page.getByText('No deals with this company.').waitFor();
    await accessibility('company record page');
    await page.getByRole('button', { name: 'Back to companies' }).click();
    await newCompany({ name: 'Zeta Foods', industry: 'Food' });
    await newCompany({ name: 'Beta Works', industry: 'Retail' });
    await page.getByText('3 companies').waitFor();
    // The owner is a column of the table, tidied when saved.
    await page.getByRole('columnheader', { name: 'Owner' }).waitFor();
    await page.getByRole('cell', { name: 'Mei Chen', exact: true }).waitFor();
  });

  await t.test('the companies table sorts and filters, and a saved view survives a reload', async () => {
    const header = page.getByRole('columnheader', { name: 'Company name' });
    await header.getByRole('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await tableNames(), ['Acme Trading', 'Beta Works', 'Zeta Foods']);
    await header.getByRole('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await tableNames(), ['Zeta Foods', 'Beta Works', 'Acme Trading']);

    await page.locator('.filter-builder > summary').click();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Column', { exact: true }).selectOption({ label: 'Industry' });
    await page.getByLabel('Operator').selectOption({ label: 'is one of' });
    await page.getByLabel('Value', { exact: true }).fill('food, retail');
    await page.getByText('2 of 3 shown').waitFor();
    assert.deepEqual(await tableNames(), ['Zeta Foods', 'Beta Works']);
    // A number is not a list of industries... but text is: "not" inverts.
    await page.getByLabel('Not', { exact: true }).check();
    await page.getByText('1 of 3 shown').waitFor();
    assert.deepEqual(await tableNames(), ['Acme Trading']);
    await page.getByLabel('Not', { exact: true }).uncheck();
    await page.getByText('2 of 3 shown').waitFor();

    await page.getByLabel('View name').fill('Food and retail');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByText('View “Food and retail” saved.').waitFor();

    await reloadAndUnlock();
    await go('Companies');
    await page.getByText('3 of 3 shown').waitFor();
    await page.getByLabel('Saved view').selectOption({ label: 'Food and retail' });
    await page.getByText('2 of 3 shown').waitFor();
    assert.deepEqual(await tableNames(), ['Zeta Foods', 'Beta Works']);
    assert.equal(
      await page.getByRole('columnheader', { name: 'Company name' }).getAttribute('aria-sort'),
      'descending',
    );
    // The view exports as CSV: its columns, its rows, in its order.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const [head, ...lines] = csv.trim().split(/\r?\n/);
    assert.match(head, /^Company name,Domain,Industry,Size,Owner/);
    assert.deepEqual(lines.map((l) => l.split(',')[0]), ['Zeta Foods', 'Beta Works']);
    await page.getByText('Exported 2 rows as CSV.').waitFor();
    await page.getByLabel('Saved view').selectOption({ label: 'All (no saved view)' });
    await page.getByText('3 of 3 shown').waitFor();
  });

  await t.test('a custom field is defined in settings and filled on a company', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Custom fields' }).waitFor();
    await page.getByLabel('Record type').selectOption({ label: 'Company' });
    await page.getByLabel('Field type').selectOption({ label: 'Single choice' });
    await page.getByLabel('Field name').fill('Tier');
    await page.getByLabel('Options', { exact: true }).fill('Gold, Silver');
    await page.getByLabel('Data class').selectOption({ label: 'Public' });
    await page.getByRole('button', { name: 'Save field' }).click();
    await page.getByText('Field “Tier” saved.').waitFor();
    await accessibility('custom field editor');
    // A money field is financial from the start: masked in tables.
    await page.getByLabel('Record type').selectOption({ label: 'Company' });
    await page.getByLabel('Field type').selectOption({ label: 'Amount of money' });
    await page.getByLabel('Field name').fill('Credit limit');
    assert.equal(await page.getByLabel('Data class').inputValue(), 'financial');
    await page.getByRole('button', { name: 'Save field' }).click();
    await page.getByText('Field “Credit limit” saved.').waitFor();

    await go('Companies');
    await page.getByRole('button', { name: 'Acme Trading' }).click();
    await page.getByLabel('Tier').selectOption({ label: 'Gold' });
    await page.getByLabel('Credit limit', { exact: true }).fill('50,000');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Acme Trading saved.').waitFor();
    await page.getByRole('button', { name: 'Back to companies' }).click();
    // The fields are columns of the table: the public one shows the
    // option's label, the financial one is masked until revealed.
    await page.locator('.columns-picker > summary').click();
    await page.getByLabel('Tier').check();
    await page.getByLabel('Credit limit').check();
    const acme = page.locator('table.data-table tbody tr', { hasText: 'Acme Trading' });
    await acme.getByText('Gold').waitFor();
    assert.doesNotMatch(await acme.innerText(), /50,000/);
    await page.getByRole('button', { name: 'Reveal amounts and sensitive values' }).click();
    await acme.getByText('CN¥50,000.00').waitFor();
    await page.getByRole('button', { name: 'Hide amounts and sensitive values' }).click();
    assert.doesNotMatch(await acme.innerText(), /50,000/);
  });

  await t.test('a deal linked to the company appears on the default pipeline board', async () => {
    await go('Deals');
    await page.locator('section.stage[data-stage="Prospecting"]').waitFor();
    const stages = await page.locator('section.stage h3').allTextContents();
    assert.deepEqual(stages, ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    await page.getByRole('button', { name: 'New deal' }).click();
    await page.getByLabel('Deal name').fill('Acme order');
    await page.getByLabel('Amount', { exact: true }).fill('1,2x');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Enter an amount such as 1,234.56.').waitFor();
    await page.getByLabel('Amount', { exact: true }).fill('1,250.50');
    await page.getByLabel('Company', { exact: true }).selectOption({ label: 'Acme Trading' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Acme order saved.').waitFor();
    await page.getByRole('button', { name: 'Back to deals' }).click();
    // Amounts are masked on the board until revealed.
    assert.doesNotMatch(await page.locator('.kanban').innerText(), /1,250\.50/);
    await page.getByRole('button', { name: 'Reveal amounts and sensitive values' }).click();
    assert.deepEqual(await column('Prospecting'), { count: '1 deals', total: 'CN¥1,250.50', cards: ['Acme order'] });
    await accessibility('deals board');
  });

  await t.test('the card moves by mouse and by keyboard, and the stage survives a reload', async () => {
    const card = page.locator('.deal-card', { hasText: 'Acme order' });
    await card.dragTo(page.locator('section.stage[data-stage="Qualification"]'));
    await page.locator('section.stage[data-stage="Qualification"] .deal-card').waitFor();
    assert.deepEqual(await column('Prospecting'), { count: '0 deals', total: 'CN¥0.00', cards: [] });
    assert.deepEqual(await column('Qualification'), { count: '1 deals', total: 'CN¥1,250.50', cards: ['Acme order'] });

    await page.locator('.deal-card', { hasText: 'Acme order' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('#board-announce', { hasText: 'Moved Acme order to Proposal.' }).waitFor();
    await page.locator('section.stage[data-stage="Proposal"] .deal-card').waitFor();
    // Focus stays on the moved card, so the user can keep moving it.
    await page.waitForFunction(() => document.activeElement?.classList.contains('deal-card'));
    assert.deepEqual(await column('Qualification'), { count: '0 deals', total: 'CN¥0.00', cards: [] });

    await reloadAndUnlock();
    await go('Deals');
    await page.locator('section.stage[data-stage="Proposal"] .deal-card').waitFor();
    await page.getByRole('button', { name: 'Reveal amounts and sensitive values' }).click();
    assert.deepEqual(await column('Proposal'), { count: '1 deals', total: 'CN¥1,250.50', cards: ['Acme order'] });

    // The stage history records every move.
    await page.getByRole('button', { name: 'Acme order' }).click();
    const history = await page.locator('section[aria-labelledby="deal-history"] li .name').allTextContents();
    assert.deepEqual(history, ['Proposal', 'Qualification', 'Prospecting']);
    await page.getByRole('button', { name: 'Back to deals' }).click();
  });

  await t.test('the deals table shows the weighted forecast', async () => {
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    // Proposal is 50 %: half of CN¥1,250.50.
    await page.locator('.forecast-total', { hasText: 'CN¥625.25' }).waitFor();
    // Amounts are financial: masked in the rows until revealed, and the
    // reveal is audited.
    const row = page.getByRole('row', { name: /Acme order/ });
    assert.doesNotMatch(await row.innerText(), /1,250\.50/);
    await page.getByRole('button', { name: 'Reveal amounts and sensitive values' }).click();
    await row.getByText('CN¥1,250.50').waitFor();
    await accessibility('deals table');
    await page.getByRole('button', { name: 'Hide amounts and sensitive values' }).click();
    assert.doesNotMatch(await row.innerText(), /1,250\.50/);
    await go('Security');
    await page.locator('.audit-table tr', { hasText: 'Revealed' }).first().waitFor();
    await go('Deals');
  });

  await t.test('two duplicate companies are found and merged; the deal follows', async () => {
    await go('Companies');
    await newCompany({ name: 'ACME Trading Ltd', domain: 'acme.example' });
    await page.getByText('4 companies').waitFor();
    // A deal on the duplicate, to see it re-linked by the merge.
    await go('Deals');
    await page.getByRole('button', { name: 'New deal' }).click();
    await page.getByLabel('Deal name').fill('Ltd order');
    await page.getByLabel('Company', { exact: true }).selectOption({ label: 'ACME Trading Ltd' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Ltd order saved.').waitFor();

    await go('Companies');
    await page.getByRole('button', { name: 'Find duplicates' }).click();
    await page.getByText('1 groups of likely duplicates').waitFor();
    const group = page.locator('.duplicate-group');
    await group.getByText('same name').waitFor();
    await group.locator('label', { hasText: 'Acme Trading' }).filter({ hasNotText: 'Ltd' }).getByRole('radio').check();
    await accessibility('duplicates panel');
    await group.getByRole('button', { name: 'Merge into the chosen record' }).click();
    await page.getByText('Merged.').waitFor();
    await page.getByText('No likely duplicates found.').waitFor();
    await page.getByText('3 companies').waitFor();

    await page.getByRole('button', { name: 'Acme Trading', exact: true }).click();
    const deals = page.locator('section[aria-labelledby="company-deals"] li .name');
    await deals.first().waitFor();
    assert.deepEqual((await deals.allTextContents()).sort(), ['Acme order', 'Ltd order']);
    // The kept record's registration number survived the merge.
    assert.equal(await page.getByLabel('Registration number').inputValue(), VALID_USCC);
  });

  await t.test('two contacts sharing an email are found and merged into one', async () => {
    await go('Contacts');
    for (const [given, family] of [['Grace', 'Hopper'], ['G.', 'Hopper']]) {
      await page.getByRole('button', { name: 'New contact' }).click();
      await page.getByLabel('Given name').fill(given);
      await page.getByLabel('Family name').fill(family);
      await page.getByLabel('Email 1', { exact: true }).fill('grace@navy.example');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Contact saved.').first().waitFor();
    }
    await page.getByText('2 contacts').waitFor();
    await page.getByRole('button', { name: 'Find duplicates' }).click();
    const group = page.locator('.duplicate-group');
    await group.getByText('same email').waitFor();
    await group.locator('label', { hasText: 'Grace Hopper' }).getByRole('radio').check();
    await group.getByRole('button', { name: 'Merge into the chosen record' }).click();
    await page.getByText('Merged.').waitFor();
    await page.getByText('1 contacts').waitFor();
    await page.getByText('No likely duplicates found.').waitFor();
    await go('Companies');
    await page.getByRole('button', { name: 'Acme Trading', exact: true }).click();
  });

  await t.test('the pipeline editor adds, renames and reorders stages', async () => {
    await go('Deals');
    await page.getByRole('button', { name: 'Edit pipeline' }).click();
    await page.getByRole('heading', { name: 'Edit pipeline' }).waitFor();
    await page.getByLabel('Stage name', { exact: true }).fill('Demo');
    await page.getByLabel('Probability %').last().fill('30');
    await page.getByRole('button', { name: 'Add stage' }).click();
    await page.getByLabel('Stage 5', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Stage 5', { exact: true }).inputValue(), 'Demo');
    await page.getByRole('button', { name: 'Move Demo up' }).click();
    assert.equal(await page.getByLabel('Stage 4', { exact: true }).inputValue(), 'Demo');
    await page.getByLabel('Stage 1', { exact: true }).fill('Lead');
    await page.getByLabel('Stage 1', { exact: true }).blur();
    // A second stage of the same name is refused.
    await page.getByLabel('Stage 2', { exact: true }).fill('lead');
    await page.getByLabel('Stage 2', { exact: true }).blur();
    await page.getByText('Another entry already has this name.').waitFor();
    await accessibility('pipeline editor');
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByText('Pipeline Sales saved.').waitFor();
    const stages = await page.locator('section.stage h3').allTextContents();
    assert.deepEqual(stages, ['Lead', 'Qualification', 'Proposal', 'Demo', 'Negotiation', 'Won', 'Lost']);
  });

  await t.test('a stage mapped to won in the editor is won on the board, in the forecast and on the dashboard', async () => {
    // Acme order (CN¥1,250.50) sits in Proposal, the third stage.
    await page.getByRole('button', { name: 'Edit pipeline' }).click();
    const outcome = (n) => page.getByLabel(`Outcome of stage ${n}`, { exact: true });
    assert.equal(await outcome(3).inputValue(), 'open');
    assert.equal(await outcome(6).inputValue(), 'won');
    await page.getByLabel('Stage 3', { exact: true }).fill('Verbal yes');
    await page.getByLabel('Stage 3', { exact: true }).blur();
    await outcome(3).selectOption('won');
    // Won is 100 %, fixed: the probability can no longer be edited.
    assert.equal(await page.locator('#stage-prob-2').inputValue(), '100');
    assert.ok(await page.locator('#stage-prob-2').isDisabled());
    // Focus stays on the outcome just changed, for keyboard users.
    await page.waitForFunction(() => document.activeElement?.id === 'stage-kind-2');
    await accessibility('pipeline editor with outcomes');
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByText('Pipeline Sales saved.').waitFor();
    // The board: the renamed stage is a won column, Acme order still in it.
    const column = page.locator('section.stage.won[data-stage="Verbal yes"]');
    await column.waitFor();
    assert.equal((await column.locator('.stage-probability').textContent()).trim(), '100 %');
    assert.deepEqual(await column.locator('.deal-card .card-name').allTextContents(), ['Acme order']);
    // The forecast counts open deals only: nothing is left (Ltd order has no amount).
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    await page.locator('.forecast-total', { hasText: 'CN¥0.00' }).waitFor();
    // The dashboard counts it as won this month.
    await go('Dashboard');
    const wonLost = await page.locator('[data-chart="chart-won-lost-cny"] table tbody tr').evaluateAll((rows) =>
      rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
    assert.equal(wonLost.at(-1)[1], 'CN¥1,250.50 (1)');
    // What stays open is Ltd order, without an amount: still counted in its stage.
    const open = await page.locator('[data-chart="chart-pipeline"] table tbody tr').evaluateAll((rows) =>
      rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
    assert.deepEqual(open, [['Lead', '1']]);

    // Back to open at 50 %; the old Won stage cannot go while it is the only won one.
    await go('Deals');
    await page.getByRole('button', { name: 'Edit pipeline' }).click();
    await outcome(3).selectOption('open');
    await page.locator('#stage-prob-2').fill('50');
    await page.locator('#stage-prob-2').blur();
    await outcome(6).selectOption('lost');
    await page.getByText('A pipeline needs at least one won stage.').waitFor();
    assert.equal(await outcome(6).inputValue(), 'won');
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByText('Pipeline Sales saved.').waitFor();
    await page.locator('section.stage.open[data-stage="Verbal yes"]').waitFor();
    await page.getByRole('button', { name: 'Table', exact: true }).click();
    await page.locator('.forecast-total', { hasText: 'CN¥625.25' }).waitFor();
    await page.getByRole('button', { name: 'Board', exact: true }).click();
  });

  await t.test('the pages work on a narrow phone screen', async () => {
    // What sticks out of a 360 px screen (scrolling regions may scroll).
    const overflow = () => page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      culprits: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.kanban, .data-table-scroll'))
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`),
    }));
    await page.setViewportSize({ width: 360, height: 740 });
    await go('Companies');
    const companies = await overflow();
    assert.ok(companies.width <= 360, `companies page: ${JSON.stringify(companies)}`);
    await go('Deals');
    await page.locator('section.stage').first().waitFor();
    const deals = await overflow();
    assert.ok(deals.width <= 360, `deals page: ${JSON.stringify(deals)}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await t.test('nothing panicked in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
