// Settings and safety nets: auto-lock after the idle time the user chose,
// throttled unlock attempts that survive a reload, surname-first names, and a
// narrow phone screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tempDir, removeDir, unlock } from './support.mjs';

const PASSPHRASE = 'marble otter sings beside 7 lighthouses';

let server;
let dataDir;
let profileDir;
let context;
let page;

before(async () => {
  dataDir = tempDir('coffer-e2e-data-');
  profileDir = tempDir('coffer-e2e-profile-');
  server = await startServer(dataDir);
  context = await launchBrowser(profileDir);
  page = context.pages()[0] ?? (await context.newPage());
  await page.clock.install();
  await page.goto(server.url);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Repeat passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await page.getByLabel('I have stored the recovery code safely').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
});

after(async () => {
  await context?.close();
  await server?.stop();
  removeDir(profileDir);
  removeDir(dataDir);
});


async function noHorizontalScroll(what) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${what}: page is ${scroll}px wide on a ${width}px screen`);
}

test('settings, auto-lock, throttling, small screens', async (t) => {
  await t.test('a contact is added', async () => {
    await page.getByRole('button', { name: 'New contact' }).click();
    await page.getByLabel('Given name').fill('Grace');
    await page.getByLabel('Family name').fill('Hopper');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Contact saved.').waitFor();
    await page.getByText('1 contacts').waitFor();
  });

  await t.test('the name order setting shows family names first', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Family name first (张伟)').check();
    await page.getByLabel('Lock after inactivity (minutes)').fill('1');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.getByRole('button', { name: 'Back to contacts' }).click();
    await page.locator('.contact-list .name', { hasText: 'Hopper Grace' }).waitFor();
  });

  await t.test('an out-of-range auto-lock time is refused', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Lock after inactivity (minutes)').fill('0');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Between 1 and 240 minutes.' }).waitFor();
    await page.getByRole('button', { name: 'Back to contacts' }).click();
  });

  await t.test('the vault locks itself after the idle time', async () => {
    await page.clock.fastForward('00:30');
    assert.equal(await page.getByRole('heading', { name: 'Contacts' }).count(), 1, 'not locked before the time');
    await page.clock.fastForward('00:40');
    await page.getByText('Locked after 1 min without activity.').waitFor();
    assert.equal(await page.getByText('Hopper Grace').count(), 0);
  });

  await t.test('repeated wrong passphrases slow further tries, even across a reload', async () => {
    for (let i = 0; i < 3; i++) {
      await unlock(page, `wrong guess number ${i}`);
      await page.getByText('Wrong passphrase. Please try again.').waitFor();
      await page.getByRole('button', { name: 'Unlock', exact: true, disabled: false }).waitFor();
    }
    await page.reload();
    await unlock(page, PASSPHRASE);
    await page.getByText(/Too many failed attempts\. Try again in \d+ s\./).waitFor();
    await page.clock.fastForward('00:05');
    await unlock(page, PASSPHRASE);
    await page.getByText('1 contacts').waitFor();
    // Settings are kept inside the vault and come back after unlocking.
    await page.locator('.contact-list .name', { hasText: 'Hopper Grace' }).waitFor();
  });

  await t.test('a narrow phone screen needs no sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await noHorizontalScroll('contact list');
    await page.getByRole('button', { name: /^Hopper Grace/ }).click();
    await noHorizontalScroll('contact form');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Settings' }).click();
    await noHorizontalScroll('settings');
  });
});
