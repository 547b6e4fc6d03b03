// Sign-in protection on the server: a second factor (TOTP, as an
// authenticator app computes it) and the lockout after repeated wrong
// sign-ins. The codes are computed here from the key the app shows, the
// same way an authenticator app does (RFC 6238: HMAC-SHA1, 30 s, 6 digits).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, tempDir, removeDir } from './support.mjs';
import {
  openDevice, closeDevices, accessibility, createVault, createAccount, passRecovery, saveContact,
} from './devices.mjs';

const ACCOUNT = 'security.lead@coffer.example';
const PASSPHRASE = 'granite owls whisper across twelve valleys';
const LOCKOUT_AFTER = 3;

let server;
let dataDir;

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/[\s=-]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(ch);
    assert.notEqual(value, -1, `not base32: ${ch}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/// The code for the 30-second step `offset` steps from now.
function totp(secret, offset = 0) {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(number).padStart(6, '0');
}

before(async () => {
  dataDir = tempDir('coffer-e2e-factors-data-');
  // A generous per-minute rate so the lockout, not the rate limit, answers.
  server = await startServer(dataDir, {
    args: ['--login-lockout-failures', String(LOCKOUT_AFTER), '--login-rate-per-minute', '100'],
  });
});

after(async () => {
  await closeDevices();
  await server?.stop();
  removeDir(dataDir);
});

async function signIn(page, passphrase) {
  await page.getByLabel('Account name (e-mail)').fill(ACCOUNT);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a second factor and a lockout protect sign-in', async (t) => {
  let secret;

  await t.test('two-step sign-in is turned on with a code from the authenticator', async () => {
    const a = await openDevice(server.url, 'a');
    await createVault(a, PASSPHRASE);
    await saveContact(a, { given: 'Mei', family: 'Chen', email: 'mei@lotus.example', company: 'Lotus Tea', job: 'Owner', notes: 'loyal' });
    await createAccount(a, ACCOUNT, PASSPHRASE);
    await a.getByRole('button', { name: 'Settings', exact: true }).click();
    await a.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    secret = (await a.getByTestId('totp-secret').textContent()).trim();
    // The same key as a QR code drawn on the device, and as a link for an
    // authenticator app on this device.
    const qr = a.getByRole('img', { name: 'QR code of the setup key, to scan with your authenticator app' });
    await qr.waitFor();
    assert.ok(await qr.locator('svg path, svg rect').count() > 0, 'the QR code is drawn');
    const link = await a.getByRole('link', { name: 'Open in an authenticator app on this device' }).getAttribute('href');
    assert.match(link, /^otpauth:\/\/totp\//);
    assert.equal(new URL(link).searchParams.get('secret'), secret.replace(/\s/g, ''));
    await accessibility(a, 'two-step set-up');
    await a.getByLabel('Authenticator code').fill(totp(secret) === '000000' ? '111111' : '000000');
    await a.getByRole('button', { name: 'Turn on' }).click();
    await a.getByText('That code is wrong or was already used.', { exact: false }).waitFor();
    await a.getByLabel('Authenticator code').fill(totp(secret));
    await a.getByRole('button', { name: 'Turn on' }).click();
    await a.getByText('Two-step sign-in is on.').first().waitFor();
  });

  await t.test('a new device needs the code after the passphrase, and a used code is refused', async () => {
    const b = await openDevice(server.url, 'b');
    await b.getByRole('button', { name: 'I already have an account' }).click();
    await signIn(b, PASSPHRASE);
    await b.getByText('Enter the code from your authenticator app.').waitFor({ timeout: 30000 });
    await accessibility(b, 'sign in asking for a code');
    // The step after the one used to turn it on: fresh, and within the window.
    const code = totp(secret, 1);
    await b.getByLabel('Authenticator code').fill(code);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await passRecovery(b);
    await b.getByText('Mei Chen').waitFor({ timeout: 15000 });
    // This device's Settings know the factor is on (the server says so).
    await b.getByRole('button', { name: 'Settings', exact: true }).click();
    await b.getByRole('button', { name: 'Turn off two-step sign-in' }).waitFor();
    assert.equal(await b.getByRole('button', { name: 'Set up two-step sign-in' }).count(), 0);
    // Someone who saw that code cannot use it again.
    const c = await openDevice(server.url, 'c');
    await c.getByRole('button', { name: 'I already have an account' }).click();
    await signIn(c, PASSPHRASE);
    await c.getByText('Enter the code from your authenticator app.').waitFor({ timeout: 30000 });
    await c.getByLabel('Authenticator code').fill(code);
    await c.getByRole('button', { name: 'Sign in' }).click();
    await c.getByText('That code is wrong or was already used.', { exact: false }).waitFor({ timeout: 30000 });
  });

  await t.test(`after ${LOCKOUT_AFTER} wrong sign-ins the account is locked for a while`, async () => {
    const d = await openDevice(server.url, 'd');
    await d.getByRole('button', { name: 'I already have an account' }).click();
    // Each start of a sign-in is a guess (an OPAQUE client learns a wrong
    // passphrase without finishing), so the account locks within
    // LOCKOUT_AFTER wrong tries, whatever else was counted before.
    const error = d.locator('#signin-error');
    let locked = false;
    for (let i = 1; i <= LOCKOUT_AFTER && !locked; i++) {
      await signIn(d, `wrong passphrase number ${i}`);
      await d.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ timeout: 30000 });
      const text = await error.textContent();
      assert.match(text, /Wrong account name or passphrase\.|Too many failed sign-ins/);
      locked = text.includes('Too many failed sign-ins');
    }
    // Even the right passphrase is refused now.
    await signIn(d, PASSPHRASE);
    await d.getByText(/Too many failed sign-ins\. Try again in \d+ seconds\./).waitFor({ timeout: 30000 });
    await accessibility(d, 'locked sign-in');
  });
});
