// Two devices of one account, as two browser profiles against the real
// server: sign up from an existing vault, sign in on a fresh profile and get
// everything, see a live edit arrive, edit the same contact on both while
// offline and converge (the losing value stays in the history), manage
// sessions, change the passphrase; then prove the server's database and
// log hold none of the values typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDir, removeDir, filesUnder, findIn } from './support.mjs';
import {
  devices, openDevice as open, closeDevices, accessibility, passRecovery, createVault, saveContact, edit,
  waitSynced, eventually, readContact,
} from './devices.mjs';

const ACCOUNT = 'sales.team@coffer.example';
const PASSPHRASE = 'amber otters juggle seven quiet lanterns';
const NEW_PASSPHRASE = 'copper finches hum beneath eleven bridges';
const RECOVERED_PASSPHRASE = 'seven marble kites drift over the delta';

const LI = { full: '李娜', email: 'li.na@shanghai-maoyi.example', company: '上海贸易有限公司', job: '销售总监', notes: '喜欢下午开会' };
const OMAR = { given: 'Omar', family: 'Haddad', email: 'omar@cedar-logistics.example', company: 'Cedar Logistics', job: 'Fleet manager', notes: 'Renewal due in March' };
const LIVE_JOB = 'Head of Fleet Operations';
const OFFLINE_A_NOTES = 'Called from device A while on the train';
const OFFLINE_B_COMPANY = 'Cedar Logistics Middle East';
const JOB_A = 'Regional director (A)';
const JOB_B = 'Regional director (B)';
const PLAINTEXT = [
  LI.full, LI.email, LI.company, LI.job, LI.notes,
  OMAR.given, OMAR.family, OMAR.email, OMAR.company, OMAR.job, OMAR.notes,
  LIVE_JOB, OFFLINE_A_NOTES, OFFLINE_B_COMPANY, JOB_A, JOB_B,
  PASSPHRASE, NEW_PASSPHRASE, RECOVERED_PASSPHRASE,
];

let server;
let dataDir;

before(async () => {
  dataDir = tempDir('coffer-e2e-sync-data-');
  server = await startServer(dataDir);
});

after(async () => {
  await closeDevices();
  await server?.stop();
  removeDir(dataDir);
});

test('two devices of one account stay in sync through a server that sees only ciphertext', async (t) => {
  const openDevice = (name) => open(server.url, name);
  let a;
  let b;
  let accountCode;

  await t.test('an existing vault signs up for an account and uploads its contacts', async () => {
    a = await openDevice('a');
    await createVault(a, PASSPHRASE);
    await saveContact(a, LI);
    await saveContact(a, OMAR);
    await a.waitForFunction(() => document.querySelector('#sync-status')?.dataset.state === 'local');
    await a.getByRole('button', { name: 'Settings', exact: true }).click();
    await a.getByLabel('Account name (e-mail)').fill(ACCOUNT);
    await a.getByLabel('Passphrase', { exact: true }).fill('not the vault passphrase at all');
    await a.getByRole('button', { name: 'Create account' }).click();
    await a.getByText('Wrong passphrase. Please try again.').waitFor();
    await a.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await a.getByRole('button', { name: 'Create account' }).click();
    await a.getByText(`Signed in as ${ACCOUNT}.`).waitFor({ timeout: 30000 });
    // The account's recovery code is shown once, and replaces the vault's.
    accountCode = (await a.getByTestId('account-recovery-code').textContent()).trim();
    assert.match(accountCode, /^[0-9A-Z]{4}(-[0-9A-Z]{1,4}){5,7}$/);
    await accessibility(a, 'settings with a new account');
    await a.getByLabel('I have stored the recovery code safely').check();
    await a.getByRole('button', { name: 'Done' }).click();
    assert.equal(await a.getByTestId('account-recovery-code').count(), 0);
    await waitSynced(a);
    await accessibility(a, 'settings with an account');
  });

  await t.test('a fresh browser profile signs in with the passphrase alone and gets everything', async () => {
    b = await openDevice('b');
    await b.getByRole('button', { name: 'I already have an account' }).click();
    await b.getByLabel('Account name (e-mail)').fill(ACCOUNT);
    await b.getByLabel('Passphrase', { exact: true }).fill('wrong passphrase for this account');
    await b.getByRole('button', { name: 'Sign in' }).click();
    await b.getByText('Wrong account name or passphrase.').waitFor({ timeout: 30000 });
    await accessibility(b, 'sign in');
    await b.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await passRecovery(b);
    await b.getByText('2 contacts').waitFor({ timeout: 15000 });
    await b.getByText(LI.full).waitFor();
    await b.getByText('Omar Haddad').waitFor();
    await waitSynced(b);
  });

  await t.test('an edit on one device appears on the other without reloading', async () => {
    await a.getByRole('button', { name: 'Contacts', exact: true }).click();
    const started = Date.now();
    await edit(a, 'Omar Haddad', { 'Job title': LIVE_JOB });
    await b.getByText(LIVE_JOB).waitFor({ timeout: 5000 });
    console.log(`# live edit: saved on A → shown on B in ${Date.now() - started} ms`);
  });

  await t.test('offline edits on both devices converge when the network returns', async () => {
    await devices.a.context.setOffline(true);
    await devices.b.context.setOffline(true);
    await a.waitForFunction(() => document.querySelector('#sync-status')?.dataset.state === 'offline');
    await b.waitForFunction(() => document.querySelector('#sync-status')?.dataset.state === 'offline');
    // Different fields on each device, and the same field on both.
    await edit(a, 'Omar Haddad', { Notes: OFFLINE_A_NOTES, 'Job title': JOB_A });
    await edit(b, 'Omar Haddad', { Company: OFFLINE_B_COMPANY, 'Job title': JOB_B });
    await a.getByText('1 not yet uploaded').waitFor();
    await b.getByText('1 not yet uploaded').waitFor();
    // Before the network returns, each device shows its own edit.
    const ownA = (await readContact(a, 'Omar Haddad')).values;
    const ownB = (await readContact(b, 'Omar Haddad')).values;
    assert.deepEqual([ownA.notes, ownA.job], [OFFLINE_A_NOTES, JOB_A], 'A keeps its offline edit');
    assert.deepEqual([ownB.company, ownB.job], [OFFLINE_B_COMPANY, JOB_B], 'B keeps its offline edit');
    await devices.a.context.setOffline(false);
    await devices.b.context.setOffline(false);
    await waitSynced(a);
    await waitSynced(b);
    const merged = (v) => v.notes === OFFLINE_A_NOTES && v.company === OFFLINE_B_COMPANY;
    const onA = await eventually(a, 'Omar Haddad', merged);
    const onB = await eventually(b, 'Omar Haddad', (v) => merged(v) && v.job === onA.values.job);
    assert.deepEqual(onA.values, onB.values, 'both devices show the same contact');
    assert.equal(onA.values.notes, OFFLINE_A_NOTES);
    assert.equal(onA.values.company, OFFLINE_B_COMPANY);
    assert.ok([JOB_A, JOB_B].includes(onA.values.job));
    const loser = onA.values.job === JOB_A ? JOB_B : JOB_A;
    for (const [device, seen] of [['A', onA], ['B', onB]]) {
      assert.ok(seen.history.includes(`Job title was “${loser}”`), `${device}'s history keeps the losing value:\n${seen.history}`);
      assert.ok(seen.history.includes(`Job title was “${LIVE_JOB}”`), `${device}'s history keeps earlier values`);
    }
  });

  await t.test('a change made while a device is still subscribing reaches it once subscribed', async () => {
    // A comes back online, but its event stream takes five seconds to
    // connect: B's edit in between is announced while nothing of A listens.
    await devices.a.context.setOffline(true);
    await a.waitForFunction(() => document.querySelector('#sync-status')?.dataset.state === 'offline');
    let held = 0;
    const hold = async (route) => {
      held += 1;
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await route.continue().catch(() => {});
    };
    await a.route('**/api/events*', hold);
    await devices.a.context.setOffline(false);
    await waitSynced(a);
    await edit(b, 'Omar Haddad', { 'Job title': 'Head of logistics' });
    await waitSynced(b);
    const seen = await eventually(a, 'Omar Haddad', (v) => v.job === 'Head of logistics');
    assert.ok(held >= 1, 'the stream was held back');
    assert.equal(seen.values.job, 'Head of logistics');
    await a.unroute('**/api/events*', hold);
  });

  await t.test('a deletion on one device removes the contact on the other', async () => {
    await a.getByRole('button', { name: new RegExp(`^${LI.full}`) }).click();
    await a.getByRole('button', { name: 'Delete' }).click();
    await a.getByText('Contact deleted.').waitFor();
    await b.getByText('1 contacts').waitFor({ timeout: 5000 });
  });

  await t.test('each device lists the signed-in sessions and can sign another out', async () => {
    await a.getByRole('button', { name: 'Settings', exact: true }).click();
    const list = a.getByRole('list', { name: 'Signed-in devices' });
    await list.waitFor();
    await a.waitForFunction(() => document.querySelectorAll('.devices > li').length === 2);
    assert.equal(await list.getByText('This device').count(), 1);
    await list.getByRole('button', { name: 'Sign out' }).click();
    await a.getByText('That device was signed out.').waitFor();
    await a.waitForFunction(() => document.querySelectorAll('.devices > li').length === 1);
    // B learns at its next request; its local data stays and it can sign in again.
    await edit(b, 'Omar Haddad', { Notes: 'Edited after being signed out' });
    await b.getByText('This device\'s session has ended.', { exact: false }).waitFor({ timeout: 10000 });
    await b.getByText('1 not yet uploaded').waitFor();
    await b.getByRole('button', { name: 'Settings', exact: true }).click();
    await b.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await b.getByText(`Signed in as ${ACCOUNT}.`).waitFor({ timeout: 30000 });
    await waitSynced(b);
    await a.getByRole('button', { name: 'Contacts', exact: true }).click();
    const seen = await eventually(a, 'Omar Haddad', (v) => v.notes === 'Edited after being signed out');
    assert.equal(seen.values.notes, 'Edited after being signed out');
  });

  await t.test('a passphrase change re-wraps the keys: a new device signs in with the new one', async () => {
    await a.getByRole('button', { name: 'Settings', exact: true }).click();
    await a.getByLabel('Current passphrase').fill(PASSPHRASE);
    await a.getByRole('button', { name: 'Continue' }).click();
    await a.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await a.getByLabel('Repeat passphrase').fill(NEW_PASSPHRASE);
    await a.getByRole('button', { name: 'Save passphrase' }).click();
    await a.getByText('Passphrase changed on this device and for your account.').waitFor({ timeout: 30000 });
    const c = await openDevice('c');
    await c.getByRole('button', { name: 'I already have an account' }).click();
    await c.getByLabel('Account name (e-mail)').fill(ACCOUNT);
    await c.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await c.getByRole('button', { name: 'Sign in' }).click();
    await c.getByText('Wrong account name or passphrase.').waitFor({ timeout: 30000 });
    await c.getByLabel('Passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await c.getByRole('button', { name: 'Sign in' }).click();
    await passRecovery(c);
    await c.getByText('1 contacts').waitFor({ timeout: 15000 });
    const seen = await eventually(c, 'Omar Haddad', (v) => v.notes === 'Edited after being signed out');
    assert.equal(seen.values.notes, 'Edited after being signed out');
  });

  await t.test('with the passphrase forgotten, the recovery code signs in on a new device', async () => {
    const d = await openDevice('d');
    await d.getByRole('button', { name: 'I already have an account' }).click();
    await d.getByRole('button', { name: 'Forgot it? Use the recovery code' }).click();
    await d.getByRole('heading', { name: 'Sign in with your recovery code' }).waitFor();
    await accessibility(d, 'recovery sign-in');
    await d.getByLabel('Account name (e-mail)').fill(ACCOUNT);
    await d.getByLabel('Recovery code', { exact: true }).fill(accountCode.toLowerCase().replaceAll('-', ' '));
    await d.getByLabel('New passphrase', { exact: true }).fill(RECOVERED_PASSPHRASE);
    await d.getByLabel('Repeat passphrase').fill(RECOVERED_PASSPHRASE);
    await d.getByRole('button', { name: 'Sign in' }).click();
    await d.getByText('1 contacts').waitFor({ timeout: 30000 });
    await waitSynced(d);
    // The recovered passphrase is now the account's: the previous one fails.
    const e = await openDevice('e');
    await e.getByRole('button', { name: 'I already have an account' }).click();
    await e.getByLabel('Account name (e-mail)').fill(ACCOUNT);
    await e.getByLabel('Passphrase', { exact: true }).fill(NEW_PASSPHRASE);
    await e.getByRole('button', { name: 'Sign in' }).click();
    await e.getByText('Wrong account name or passphrase.').waitFor({ timeout: 30000 });
    await e.getByLabel('Passphrase', { exact: true }).fill(RECOVERED_PASSPHRASE);
    await e.getByRole('button', { name: 'Sign in' }).click();
    await passRecovery(e);
    await e.getByText('1 contacts').waitFor({ timeout: 15000 });
  });

  await t.test('the server stored and logged nothing the users typed', async () => {
    await server.stop();
    const files = filesUnder(dataDir).map((f) => ({ where: f.path, bytes: f.bytes }));
    assert.ok(files.length > 0, 'the server wrote its database');
    files.push({ where: 'server log', text: server.logs() });
    assert.deepEqual(findIn(files, PLAINTEXT), []);
    // The account name is the login identifier, so the database holds it;
    // the log names accounts only by a short hash.
    assert.deepEqual(findIn([{ where: 'server log', text: server.logs() }], [ACCOUNT]), []);
    assert.match(server.logs(), /passphrase changed/, 'the log was captured');
  });
});

