// Shared by the multi-device journeys: browser profiles as devices of one
// account, and the few steps every journey repeats.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { launchBrowser, tempDir, removeDir, collectConsole } from './support.mjs';

/// Devices opened by a test file, closed (and their profiles removed) by
/// `closeDevices`.
export const devices = {};

export async function openDevice(url, name) {
  const profile = tempDir(`coffer-e2e-${name}-`);
  const context = await launchBrowser(profile);
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines = collectConsole(page);
  page.on('dialog', (dialog) => dialog.accept());
  devices[name] = { profile, context, page, consoleLines };
  await page.goto(url);
  return page;
}

export async function closeDevices() {
  for (const [name, d] of Object.entries(devices)) {
    if (process.env.COFFER_E2E_DEBUG) console.log(`--- ${name}\n${d.consoleLines.join('\n')}`);
    await d.context.close();
    removeDir(d.profile);
    delete devices[name];
  }
}

export async function accessibility(page, name) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], `accessibility violations on ${name}`);
}

export async function passRecovery(page) {
  await page.getByTestId('recovery-code').waitFor();
  await page.getByLabel('I have stored the recovery code safely').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
}

export async function createVault(page, passphrase) {
  await page.getByRole('heading', { name: 'Create your vault' }).waitFor();
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Repeat passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await passRecovery(page);
}

/// Settings → create an account for the open vault; waits until synced.
export async function createAccount(page, account, passphrase) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Account name (e-mail)').fill(account);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(`Signed in as ${account}.`).waitFor({ timeout: 30000 });
  await waitSynced(page);
  await page.getByRole('button', { name: 'Contacts', exact: true }).click();
}

/// A fresh profile signs in to the account and gets its data.
export async function signInNewDevice(page, account, passphrase) {
  await page.getByRole('button', { name: 'I already have an account' }).click();
  await page.getByLabel('Account name (e-mail)').fill(account);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await passRecovery(page);
}

export async function saveContact(page, c) {
  await page.getByRole('button', { name: 'New contact' }).click();
  if (c.given) await page.getByLabel('Given name').fill(c.given);
  if (c.family) await page.getByLabel('Family name').fill(c.family);
  if (c.full) await page.getByLabel('Full name (one field)').fill(c.full);
  await page.getByLabel('Email 1', { exact: true }).fill(c.email);
  await page.getByLabel('Company').fill(c.company);
  await page.getByLabel('Job title').fill(c.job);
  await page.getByLabel('Notes').fill(c.notes);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Contact saved.').waitFor();
}

/// An existing contact's notes are masked (sensitive) until revealed, which
/// is an audited action; a new contact has nothing to hide.
export async function revealNotes(page) {
  await page.getByLabel('Job title').waitFor();
  const reveal = page.getByRole('button', { name: 'Reveal Notes' });
  if (await reveal.count()) await reveal.click();
}

export async function edit(page, name, fields) {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  if ('Notes' in fields) await revealNotes(page);
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Contact saved.').first().waitFor();
}

export async function waitSynced(page) {
  await page.waitForFunction(() => document.querySelector('#sync-status')?.dataset.state === 'synced', null, { timeout: 15000 });
}

/// The contact's current values as the editor shows them, and its history.
export async function readContact(page, name) {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await revealNotes(page);
  const values = {
    job: await page.getByLabel('Job title').inputValue(),
    company: await page.getByLabel('Company').inputValue(),
    notes: await page.getByLabel('Notes').inputValue(),
  };
  await page.locator('#record-history summary').click();
  const history = await page.locator('#record-history').innerText();
  await page.getByRole('button', { name: 'Cancel' }).click();
  return { values, history };
}

/// Opens the contact until `check(values)` holds (sync may still be on its
/// way), then returns what the editor showed.
export async function eventually(page, name, check, timeout = 15000) {
  const until = Date.now() + timeout;
  for (;;) {
    const seen = await readContact(page, name);
    if (check(seen.values) || Date.now() > until) return seen;
    await page.waitForTimeout(250);
  }
}
