// The work pages in real Chromium against the real server: log a call on a
// contact's timeline and find it on the Activities page (also after a
// reload); tasks sorted into Overdue / Today / Upcoming and completed from
// the keyboard; a reminder banner; a ticket through its statuses; the
// dashboard's figures and charts (read through their accessible data
// tables, deals without an amount counted); search across record types
// from the top bar of any page ("/" to focus it, pinyin initials); switching the
// language; axe-core on every work page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { startServer, launchBrowser, tempDir, removeDir, collectConsole, unlock } from './support.mjs';

const PASSPHRASE = 'copper meadow hums beneath eleven kites';
const CONTACT = { full: '张伟', company: '北京星辰科技有限公司' };

let server;
let dataDir;
let profileDir;
let context;
let page;
let consoleLines;

before(async () => {
  dataDir = tempDir('coffer-e2e-work-data-');
  profileDir = tempDir('coffer-e2e-work-profile-');
  server = await startServer(dataDir);
  context = await launchBrowser(profileDir);
  page = context.pages()[0] ?? (await context.newPage());
  consoleLines = collectConsole(page);
  page.on('dialog', (dialog) => dialog.accept());
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

function nav(name) {
  return page.getByRole('navigation').getByRole('button', { name, exact: true });
}

async function goTo(name) {
  await nav(name).click();
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

/// Local dates in the browser's time zone, `days` from today: "2026-11-23".
async function localDate(days) {
  return page.evaluate((d) => {
    const t = new Date();
    t.setDate(t.getDate() + d);
    const p = (n) => String(n).padStart(2, '0');
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`;
  }, days);
}

/// "2026-11-23T14:05" in local time, `minutes` from now.
async function localDateTime(minutes) {
  return page.evaluate((m) => {
    const t = new Date(Date.now() + m * 60000);
    const p = (n) => String(n).padStart(2, '0');
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`;
  }, minutes);
}

/// The rows of a chart's visually hidden data table, as arrays of cell texts.
async function chartTable(chartId) {
  return page.locator(`[data-chart="${chartId}"] table tbody tr`).evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
}

function section(name) {
  return page.locator(`.task-section[data-section="${name}"]`);
}

async function addTask(title, { date, remind, assignee } = {}) {
  await page.getByRole('button', { name: 'New task' }).click();
  await page.getByLabel('Title', { exact: true }).fill(title);
  if (assignee) await page.getByLabel('Assignee').fill(assignee);
  if (date) await page.getByLabel('Due date').fill(date);
  if (remind) await page.getByLabel('Remind me at').fill(remind);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const error = page.locator('.task-form .form-error:not(:empty)');
  await page.getByText('Task saved.').or(error).first().waitFor();
  if (await error.count()) assert.fail(`the task form says: ${await page.locator('.task-form').innerText()}`);
}

test('activities, tasks, tickets, dashboard and search', async (t) => {
  await page.goto(server.url);

  await t.test('a vault is created and a Chinese contact added', async () => {
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Repeat passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByTestId('recovery-code').waitFor();
    await page.getByLabel('I have stored the recovery code safely').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.getByRole('button', { name: 'New contact' }).click();
    await page.getByLabel('Full name (one field)').fill(CONTACT.full);
    await page.getByLabel('Company').fill(CONTACT.company);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Contact saved.').waitFor();
  });

  await t.test('a call logged on the contact shows on its timeline', async () => {
    await page.getByRole('button', { name: new RegExp(`^${CONTACT.full}`) }).click();
    const timeline = page.locator('section.timeline');
    await timeline.getByText('Nothing logged yet.').waitFor();
    await timeline.getByRole('button', { name: 'Log a call' }).click();
    const form = timeline.locator('form.activity-form');
    // The kind is preset and the contact already linked.
    assert.equal(await form.getByLabel('Type').inputValue(), 'call');
    await form.getByText(`Contacts · ${CONTACT.full}`).waitFor();
    // Nothing to say is refused with a reason.
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await form.getByText('Enter a subject or notes.').waitFor();
    await form.getByLabel('Subject').fill('Discussed the renewal');
    await form.getByLabel('Duration (minutes)').fill('15');
    await form.getByLabel('Outcome').selectOption({ label: 'Connected' });
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Activity saved.').waitFor();
    const item = timeline.locator('.activity-item').filter({ hasText: 'Discussed the renewal' });
    await item.waitFor();
    assert.match(await item.textContent(), /Call.*Discussed the renewal.*15 min.*Connected/s);
  });

  await t.test('a task added from the timeline is linked to the contact', async () => {
    const timeline = page.locator('section.timeline');
    await timeline.getByRole('button', { name: 'Add a task' }).click();
    await timeline.locator('.task-form').getByText(`Contacts · ${CONTACT.full}`).waitFor();
    await timeline.getByLabel('Title', { exact: true }).fill('Send the brochure');
    await timeline.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Task saved.').waitFor();
    await timeline.locator('.linked-tasks').getByText('Send the brochure').waitFor();
    await accessibility('contact with its timeline');
  });

  await t.test('the Activities page lists it, filters by kind, and logs a note', async () => {
    await goTo('Activities');
    const item = page.locator('.activity-list .activity-item').filter({ hasText: 'Discussed the renewal' });
    await item.waitFor();
    assert.match(await item.textContent(), new RegExp(`Linked to: ${CONTACT.full}`));
    await page.getByRole('button', { name: 'Add a note' }).click();
    await page.getByLabel('Notes').fill('Prefers WeChat over email');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Activity saved.').waitFor();
    await page.getByText('2 activities').waitFor();
    // Newest first: the note was logged after the call.
    const first = page.locator('.activity-list .activity-item').first();
    assert.match(await first.textContent(), /Note.*Prefers WeChat/);
    await page.getByLabel('Show').selectOption({ label: 'Meeting' });
    await page.getByText('No activities yet.').waitFor();
    await page.getByLabel('Show').selectOption({ label: 'Call' });
    await page.getByText('1 activities').waitFor();
    await item.waitFor();
    await page.getByLabel('Show').selectOption({ label: 'All types' });
    await page.getByText('2 activities').waitFor();
    await accessibility('activities');
    await page.getByRole('button', { name: 'Log a meeting' }).click();
    await accessibility('activity form');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  await t.test('after a reload the activity is still there', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor();
    await unlock(page, PASSPHRASE);
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.getByRole('button', { name: new RegExp(`^${CONTACT.full}`) }).click();
    await page.locator('section.timeline .activity-item').filter({ hasText: 'Discussed the renewal' }).waitFor();
    await goTo('Activities');
    await page.locator('.activity-list .activity-item').filter({ hasText: 'Discussed the renewal' }).waitFor();
  });

  await t.test('tasks land in Overdue, Today and Upcoming; one is completed from the keyboard', async () => {
    await goTo('Tasks');
    await addTask('Call back about invoice', { date: await localDate(-1) });
    await addTask('Send the quote', { date: await localDate(0), assignee: '王芳' });
    await addTask('Plan the workshop', { date: await localDate(7) });
    await addTask('Read the contract');
    await section('overdue').getByRole('heading', { name: 'Overdue (1)' }).waitFor();
    await section('today').getByRole('heading', { name: 'Today (1)' }).waitFor();
    await section('today').locator('.task-row', { hasText: 'Send the quote' }).getByText('for 王芳').waitFor();
    await section('upcoming').getByRole('heading', { name: 'Upcoming (1)' }).waitFor();
    await section('nodate').getByRole('heading', { name: 'No date (2)' }).waitFor();
    const linked = section('nodate').locator('.task-row', { hasText: 'Send the brochure' });
    assert.match(await linked.textContent(), new RegExp(CONTACT.full));
    await section('done').getByRole('heading', { name: 'Done (0)' }).waitFor();
    await section('overdue').getByText('Call back about invoice', { exact: true }).waitFor();
    await section('today').getByText('Send the quote', { exact: true }).waitFor();
    await section('upcoming').getByText('Plan the workshop', { exact: true }).waitFor();
    await accessibility('tasks');
    await page.getByRole('button', { name: 'New task' }).click();
    await accessibility('task form');
    await page.getByRole('button', { name: 'Cancel' }).click();

    const box = page.getByRole('checkbox', { name: 'Done: Send the quote' });
    await box.focus();
    await page.keyboard.press('Space');
    await page.getByText('Task done: Send the quote').waitFor();
    await section('today').getByRole('heading', { name: 'Today (0)' }).waitFor();
    await section('done').getByRole('heading', { name: 'Done (1)' }).waitFor();
    const done = page.getByRole('checkbox', { name: 'Done: Send the quote' });
    assert.equal(await done.isChecked(), true);
    assert.equal(await section('done').getByText('Send the quote', { exact: true }).count(), 1);
  });

  await t.test('a reminder shows when its time comes while the app is open, with a count, until dismissed', async () => {
    // The input takes whole minutes: the next minute is 0–60 s away.
    await addTask('Chase the signature', { remind: await localDateTime(1) });
    const banner = page.locator('.reminder-banner');
    assert.equal(await banner.count(), 0, 'not yet due');
    await banner.getByText('Reminder: Chase the signature').waitFor({ timeout: 75000 });
    await banner.getByText('1 reminders due').waitFor();
    assert.equal((await banner.locator('.badge').textContent()).trim(), '1');
    // A reminder already past shows at once, and the count follows.
    await addTask('Renew the domain', { remind: await localDateTime(-5) });
    await banner.getByText('2 reminders due').waitFor();
    await banner.locator('li', { hasText: 'Chase the signature' }).getByRole('button', { name: 'Dismiss' }).click();
    await banner.getByText('1 reminders due').waitFor();
    await banner.getByRole('button', { name: 'Remind me in an hour' }).click();
    await banner.waitFor({ state: 'detached' });
  });

  await t.test('a ticket is created and moved through its statuses', async () => {
    await goTo('Tickets');
    await page.getByText('No tickets match.').waitFor();
    await page.getByRole('button', { name: 'New ticket' }).click();
    const form = page.locator('.ticket-editor form');
    await form.getByLabel('Subject').fill('Cannot sign in on the mobile app');
    await form.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
    await form.getByLabel('Contact', { exact: true }).fill('zw');
    await page.getByRole('button', { name: `Link ${CONTACT.full}` }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Ticket saved.').waitFor();
    const row = page.locator('.ticket-row').filter({ hasText: 'Cannot sign in on the mobile app' });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(`New.*High.*${CONTACT.full}`, 's'));
    await accessibility('tickets');

    await row.getByRole('button', { name: 'Cannot sign in on the mobile app' }).click();
    const status = page.locator('.ticket-status');
    await status.locator('.status-now', { hasText: 'New' }).waitFor();
    await status.getByText('No status changes yet.').waitFor();
    // New cannot go back to New: no such button.
    assert.equal(await status.getByRole('button', { name: 'Move to New' }).count(), 0);
    await status.getByRole('button', { name: 'Move to Open' }).click();
    await page.getByText('Ticket is now Open.').waitFor();
    await status.locator('.status-now', { hasText: 'Open' }).waitFor();
    await status.getByRole('button', { name: 'Move to Resolved' }).click();
    await status.locator('.status-now', { hasText: 'Resolved' }).waitFor();
    // Resolved can only be reopened or closed.
    const moves = await status.getByRole('button').allTextContents();
    assert.deepEqual(moves, ['Move to Open', 'Move to Closed']);
    const history = await status.locator('.status-history li').allTextContents();
    assert.equal(history.length, 2);
    assert.match(history[0], /Open → Resolved/);
    assert.match(history[1], /New → Open/);
    await accessibility('ticket editor');

    const filters = page.locator('.filters');
    await filters.getByLabel('Status', { exact: true }).selectOption({ label: 'Resolved' });
    await page.getByText('1 tickets').waitFor();
    await filters.getByLabel('Status', { exact: true }).selectOption({ label: 'Closed' });
    await page.getByText('No tickets match.').waitFor();
    await filters.getByLabel('Status', { exact: true }).selectOption({ label: 'Any status' });
    await filters.getByLabel('Priority', { exact: true }).selectOption({ label: 'Low' });
    await page.getByText('No tickets match.').waitFor();
    await filters.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
    await page.getByText('1 tickets').waitFor();
  });

  await t.test('the dashboard shows the key figures and charts with data tables', async () => {
    await goTo('Dashboard');
    const figure = (id) => page.locator(`[data-figure="${id}"] dd`);
    assert.equal((await figure('tasks-overdue').textContent()).trim(), '1');
    assert.equal((await figure('tasks-today').textContent()).trim(), '0');
    // Open tasks without a due date: "Send the brochure", "Read the contract", "Chase the signature", "Renew the domain".
    assert.equal((await figure('tickets').textContent()).trim(), '0', 'the only ticket is resolved');
    const tasks = await chartTable('chart-tasks');
    assert.deepEqual(tasks, [
      ['Overdue', '1'], ['Today', '0'], ['Next 7 days', '1'], ['Later', '0'], ['No date', '4'],
    ]);
    const weeks = await chartTable('chart-activities');
    assert.equal(weeks.length, 8);
    assert.equal(weeks.at(-1)[1], '2', 'both activities are this week');
    // The chart is an image with a name and a description.
    const svg = page.locator('[data-chart="chart-tasks"] svg');
    assert.equal(await svg.getAttribute('role'), 'img');
    assert.equal(await page.getByRole('img', { name: 'Open tasks by due date' }).count(), 1);
    await accessibility('dashboard');
  });

  await t.test('deals created in the app show in the pipeline chart', async (st) => {
    await goTo('Deals');
    const newDeal = page.getByRole('button', { name: 'New deal' });
    if ((await newDeal.count()) === 0) {
      st.skip('the Deals page (another area) has no "New deal" button on this branch yet');
      return;
    }
    const addDeal = async (name, amount) => {
      await goTo('Deals');
      await page.getByRole('button', { name: 'New deal' }).click();
      await page.getByLabel('Deal name').fill(name);
      if (amount) await page.getByLabel('Amount', { exact: true }).fill(amount);
      await page.getByLabel('Currency', { exact: true }).selectOption('CNY');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText(`${name} saved.`).waitFor();
    };
    await addDeal('Starlight annual renewal', '12000');
    await addDeal('Starlight pilot', '3000');
    // A deal without an amount still counts in its stage, worth nothing.
    await addDeal('Starlight follow-up', '');
    await goTo('Dashboard');
    const table = await page.locator('[data-chart^="chart-pipeline-"] table tbody tr').evaluateAll((rows) =>
      rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
    assert.equal(table.length, 1, 'all three deals are in the first stage');
    assert.equal(table[0][1], '3', 'the deal without an amount is counted');
    assert.match(table[0][2], /15,000\.00/);
    await page.getByLabel('Search everything').fill('annual renewal');
    await page.getByRole('option', { name: 'Starlight annual renewal' }).click();
    // The deal's own page opens.
    await page.getByRole('heading', { level: 1, name: 'Starlight annual renewal', exact: true }).waitFor();
  });

  await t.test('search in the top bar, from the Tasks page, opens a contact, a company and a deal', async () => {
    // A company record to find (the contact's company is only a text field).
    await goTo('Companies');
    await page.getByRole('button', { name: 'New company' }).click();
    await page.getByLabel('Company name').fill('Starlight Optics');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Starlight Optics saved.').waitFor();

    const box = page.getByRole('combobox', { name: 'Search everything' });
    const list = page.getByRole('listbox', { name: 'Search results' });
    await goTo('Tasks');
    // There is one search, in the top bar, not a second one on the dashboard.
    assert.equal(await page.locator('header.topbar').getByRole('combobox', { name: 'Search everything' }).count(), 1);
    // "/" outside a text field jumps to it.
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement?.id === 'global-search');
    assert.equal(await box.inputValue(), '', 'the "/" is not typed');
    await page.keyboard.type('bjxc');
    await list.getByRole('group', { name: 'Contacts' }).getByRole('option', { name: CONTACT.full }).waitFor();
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    await accessibility('tasks page with search results');
    // Escape closes the list and keeps the text.
    await box.press('Escape');
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.ok(await list.isHidden());
    assert.equal(await box.inputValue(), 'bjxc');
    await box.press('ArrowDown');
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    assert.equal(await box.getAttribute('aria-activedescendant'), 'global-search-option-0');
    assert.equal(await list.getByRole('option', { selected: true }).textContent(), CONTACT.full);
    await box.press('Enter');
    await page.getByRole('heading', { name: 'Contacts', exact: true }).waitFor();
    assert.equal(await page.getByLabel('Full name (one field)').inputValue(), CONTACT.full);
    assert.equal(await box.inputValue(), '', 'the search is cleared once a record opens');

    await goTo('Tasks');
    await box.fill('Starlight Optics');
    await list.getByRole('group', { name: 'Companies' }).getByRole('option', { name: 'Starlight Optics' }).waitFor();
    await box.press('ArrowDown');
    assert.equal(await list.getByRole('option', { selected: true }).textContent(), 'Starlight Optics');
    await box.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Starlight Optics', exact: true }).waitFor();

    await goTo('Tasks');
    await box.fill('pilot');
    await list.getByRole('group', { name: 'Deals' }).getByRole('option', { name: 'Starlight pilot' }).waitFor();
    await box.press('ArrowDown');
    assert.equal(await list.getByRole('option', { selected: true }).textContent(), 'Starlight pilot');
    await box.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Starlight pilot', exact: true }).waitFor();
  });

  await t.test('search finds records by pinyin initials and opens them', async () => {
    await goTo('Activities');
    const box = page.getByRole('combobox', { name: 'Search everything' });
    const list = page.getByRole('listbox', { name: 'Search results' });
    await box.fill('mobile app');
    await list.getByRole('group', { name: 'Tickets' }).getByRole('option', { name: 'Cannot sign in on the mobile app' }).waitFor();
    await box.press('ArrowDown');
    await box.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Tickets', exact: true }).waitFor();
    assert.equal(await page.getByLabel('Subject').inputValue(), 'Cannot sign in on the mobile app');

    await goTo('Dashboard');
    await box.fill('workshop');
    await list.getByRole('group', { name: 'Tasks' }).getByRole('option', { name: 'Plan the workshop' }).waitFor();
    await box.fill('no such thing anywhere');
    await page.getByText('No results.').waitFor();
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    assert.equal(await list.getByRole('option').count(), 0);
    await box.fill('');
  });

  await t.test('the top-bar search works on a 360 px wide screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await goTo('Tasks');
    const box = page.getByRole('combobox', { name: 'Search everything' });
    await box.fill('Starlight');
    const option = page.getByRole('option', { name: 'Starlight Optics' });
    await option.waitFor();
    for (const el of [box, option]) {
      const r = await el.boundingBox();
      assert.ok(r.x >= 0 && r.x + r.width <= 360, `inside the screen: ${JSON.stringify(r)}`);
    }
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360);
    await option.click();
    await page.getByRole('heading', { level: 1, name: 'Starlight Optics', exact: true }).waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await t.test('switching to Chinese translates the navigation and the dashboard', async () => {
    await goTo('Dashboard');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '仪表板' }).waitFor();
    await page.getByRole('heading', { name: '关键数据' }).waitFor();
    await page.getByRole('heading', { name: '按截止日期的未完成任务' }).waitFor();
    const navText = await page.getByRole('navigation').innerText();
    for (const word of ['仪表板', '活动', '任务', '工单']) assert.ok(navText.includes(word), word);
    assert.doesNotMatch(navText, /[A-Za-z]/, 'no English left in the navigation');
    const tasks = await chartTable('chart-tasks');
    assert.deepEqual(tasks.map((r) => r[0]), ['已逾期', '今天', '未来 7 天', '更晚', '无日期']);
    await accessibility('dashboard in Chinese');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Key figures' }).waitFor();
  });

  await t.test('the work pages fit a 360 px wide screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const name of ['Activities', 'Tasks', 'Tickets', 'Dashboard']) {
      await goTo(name);
      const overflow = await page.locator('.work-page').evaluate((el) => el.scrollWidth - el.clientWidth);
      assert.ok(overflow <= 0, `${name} overflows by ${overflow}px`);
    }
    const svgWidth = await page.locator('[data-chart="chart-tasks"] svg').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(svgWidth <= 360 && svgWidth > 200, `chart width ${svgWidth}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
