// The walking skeleton's user journey, in real Chromium against the real
// server: create a vault, add contacts (one Chinese, one with emoji), reload
// and unlock, edit, delete, search; prove nothing readable is stored; then go
// offline and still open and unlock the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import {
  startServer, launchBrowser, tempDir, removeDir, dumpBrowserStorage, findPlaintext, filesUnder, findIn, collectConsole, unlock,
} from './support.mjs';

const PASSPHRASE = 'violet canyon drums under 42 teacups';
const NEW_PASSPHRASE = 'orange glacier whistles past nine lanterns';

const ADA = {
  given: 'Ada', family: 'Lovelace', email: 'ada.lovelace@analytical.example', phone: '+44 20 7946 0958',
  company: 'Analytical Engines Ltd', job: 'Mathematician', tags: 'vip, london', notes: 'Prefers letters over calls',
};
const ZHANG = {
  full: '张伟', email: 'zhangwei@beijing-keji.example', phone: '+86 138 0013 8000',
  company: '北京星辰科技有限公司', job: '采购经理', tags: '重要客户', notes: '下周三拜访，讨论续约合同',
};
const ZOE = {
  given: 'Zoë', family: 'Starfield', email: 'zoe@rocket.example', phone: '+1 415 555 0199',
  company: 'Orbital Rocketry 🚀', job: 'Launch Director', tags: 'space', notes: 'Loves 🚀 launches and ☕ coffee',
};
// Every value typed during the run: none may be found in storage or on the server.
const PLAINTEXT = [
  ADA.given, ADA.family, ADA.email, ADA.company, ADA.job, ADA.notes, 'Chief Mathematician', 'london',
  ZHANG.full, ZHANG.email, ZHANG.company, ZHANG.job, ZHANG.tags, ZHANG.notes, '13800138000',
  ZOE.given, ZOE.family, ZOE.email, ZOE.company, ZOE.job, ZOE.notes, '4155550199', 'Rocketry',
  PASSPHRASE, NEW_PASSPHRASE,
];

let server;
let dataDir;
let profileDir;
let context;
let page;
let consoleLines;

before(async () => {
  dataDir = tempDir('coffer-e2e-data-');
  profileDir = tempDir('coffer-e2e-profile-');
  server = await startServer(dataDir);
  context = await launchBrowser(profileDir);
  page = context.pages()[0] ?? (await context.newPage());
  consoleLines = collectConsole(page);
  page.on('dialog', (dialog) => dialog.accept());
});

after(async () => {
  // COFFER_E2E_DEBUG=1 prints the page's console, the first thing to read when a step fails.
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

async function fillContact(c) {
  if (c.given !== undefined) await page.getByLabel('Given name').fill(c.given);
  if (c.family !== undefined) await page.getByLabel('Family name').fill(c.family);
  if (c.full !== undefined) await page.getByLabel('Full name (one field)').fill(c.full);
  await page.getByLabel('Email 1', { exact: true }).fill(c.email);
  await page.getByLabel('Phone 1', { exact: true }).fill(c.phone);
  await page.getByLabel('Company').fill(c.company);
  await page.getByLabel('Job title').fill(c.job);
  await page.getByLabel('Tags').fill(c.tags);
  await page.getByLabel('Notes').fill(c.notes);
}

async function addContact(c) {
  await page.getByRole('button', { name: 'New contact' }).click();
  await fillContact(c);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Contact saved.').waitFor();
}

function rows() {
  return page.locator('.contact-list > li');
}


test('create a vault, manage contacts, stay encrypted, work offline', async (t) => {
  await page.goto(server.url);

  await t.test('a weak passphrase is refused with a reason', async () => {
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
    await accessibility('create vault');
    await page.getByLabel('Passphrase', { exact: true }).fill('password123');
    await page.getByLabel('Repeat passphrase').fill('password123');
    await page.getByText('This is a commonly used password.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create vault' }).isDisabled(), true);
  });

  let recoveryCode;
  await t.test('a strong passphrase creates the vault and shows a recovery code once', async () => {
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Repeat passphrase').fill(PASSPHRASE + 'x');
    await page.getByText('The two passphrases differ.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create vault' }).isDisabled(), true);
    await page.getByLabel('Repeat passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    const code = page.getByTestId('recovery-code');
    await code.waitFor();
    recoveryCode = (await code.textContent()).trim();
    assert.match(recoveryCode, /^[0-9A-Z]{4}(-[0-9A-Z]{1,4}){5,7}$/);
    await accessibility('recovery code');
    assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
    await page.getByLabel('I have stored the recovery code safely').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  });

  await t.test('contacts are added, including Chinese text and emoji', async () => {
    await page.getByRole('button', { name: 'New contact' }).click();
    await accessibility('contact form');
    // An invalid email is caught with a specific message and nothing is saved.
    await fillContact({ ...ADA, email: 'ada-at-example' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('This is not a valid email address.').waitFor();
    assert.equal(await page.getByLabel('Email 1', { exact: true }).getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Email 1', { exact: true }).fill(ADA.email);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Contact saved.').waitFor();
    await addContact(ZHANG);
    await addContact(ZOE);
    await page.getByText('3 contacts').waitFor();
    assert.equal(await rows().count(), 3);
    await accessibility('contact list');
  });

  await t.test('after a reload the vault is locked; a wrong passphrase says so', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor();
    assert.equal(await page.getByText(ZHANG.full).count(), 0);
    await accessibility('unlock');
    await unlock(page, 'definitely not the passphrase');
    await page.getByText('Wrong passphrase. Please try again.').waitFor();
    await unlock(page, PASSPHRASE);
    await page.getByText('3 contacts').waitFor();
    const names = await page.locator('.contact-list .name').allTextContents();
    assert.deepEqual([...names].sort(), ['Ada Lovelace', 'Zoë Starfield', '张伟'].sort());
  });

  await t.test('search finds contacts by any field, in any script', async () => {
    const search = page.getByLabel('Search contacts');
    await search.fill('张');
    await page.waitForFunction(() => document.querySelectorAll('.contact-list > li').length === 1);
    assert.equal(await page.locator('.contact-list .name').textContent(), '张伟');
    await search.fill('星辰科技');
    await page.waitForFunction(() => document.querySelectorAll('.contact-list > li').length === 1);
    await search.fill('🚀');
    await page.waitForFunction(() => document.querySelector('.contact-list .name')?.textContent === 'Zoë Starfield');
    await search.fill('ZOË');
    await page.waitForFunction(() => document.querySelectorAll('.contact-list > li').length === 1);
    await search.fill('138 0013');
    await page.waitForFunction(() => document.querySelector('.contact-list .name')?.textContent === '张伟');
    await search.fill('no such person');
    await page.getByText('No contact matches “no such person”.').waitFor();
    await search.fill('');
    await page.waitForFunction(() => document.querySelectorAll('.contact-list > li').length === 3);
  });

  await t.test('a contact is edited in place', async () => {
    await page.getByRole('button', { name: /^Ada Lovelace/ }).click();
    await page.getByLabel('Job title').fill('Chief Mathematician');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Contact saved.').waitFor();
    await page.getByText('Chief Mathematician').waitFor();
  });

  await t.test('a contact is deleted after confirmation', async () => {
    await page.getByRole('button', { name: /^Zoë Starfield/ }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Contact deleted.').waitFor();
    await page.getByText('2 contacts').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Zoë Starfield/ }).count(), 0);
  });

  await t.test('nothing the user typed is readable in browser storage', async () => {
    const dump = await dumpBrowserStorage(page);
    const contactRecords = dump.indexedDb.filter((e) => e.store === 'records' && e.key.startsWith('"contact:'));
    // Two contacts and the deleted one's tombstone (other devices must learn of the deletion).
    assert.equal(contactRecords.length, 3, 'three contact envelopes are stored');
    assert.deepEqual(findPlaintext(dump, PLAINTEXT), []);
  });

  await t.test('the lock button locks; unlocking shows the edited data', async () => {
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByText('Locked. Your data is encrypted again.').waitFor();
    assert.equal(await page.getByText('Chief Mathematician').count(), 0);
    await unlock(page, PASSPHRASE);
    await page.getByText('Chief Mathematician').waitFor();
  });

  await t.test('the recovery code opens the vault and sets a new passphrase', async () => {
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('button', { name: 'Forgot it? Use the recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCode.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('heading', { name: 'Choose a new passphrase' }).waitFor();
    await page.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await page.getByLabel('Repeat passphrase').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Save passphrase' }).click();
    await page.getByText('2 contacts').waitFor();
    await page.getByRole('button', { name: 'Lock' }).click();
    await unlock(page, PASSPHRASE);
    await page.getByText('Wrong passphrase. Please try again.').waitFor();
    await unlock(page, NEW_PASSPHRASE);
    await page.getByText('2 contacts').waitFor();
  });

  await t.test('the interface switches to Chinese and back', async () => {
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '联系人' }).waitFor();
    await page.getByRole('button', { name: '新建联系人' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await accessibility('contacts in Chinese');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  });

  await t.test('with the server gone, the installed app still opens and unlocks', async () => {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // The worker must control the page and hold the wasm before we cut the network.
    await page.waitForFunction(async () => {
      if (!navigator.serviceWorker.controller) return false;
      const cache = await caches.open('coffer-shell-v1');
      const keys = (await cache.keys()).map((r) => new URL(r.url).pathname);
      return keys.some((k) => k.endsWith('.wasm')) && keys.includes('/');
    }, null, { timeout: 20000 });
    await server.stop();
    await page.reload();
    await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor();
    await unlock(page, NEW_PASSPHRASE);
    await page.getByText('2 contacts').waitFor();
    await page.getByText('张伟').waitFor();
  });

  await t.test('the server stored and logged nothing the user typed', async () => {
    const files = filesUnder(dataDir).map((f) => ({ where: f.path, bytes: f.bytes }));
    files.push({ where: 'server log', text: server.logs() });
    assert.deepEqual(findIn(files, PLAINTEXT), []);
  });

  
});
