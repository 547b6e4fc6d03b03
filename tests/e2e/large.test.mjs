// A first upload larger than the server's push body limit (8 MiB): 160
// contacts with 20,000-character notes. The server refuses the oversized
// batch (413 payload_too_large); the device halves its batch until pushes
// fit, and a second device receives every contact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDir, removeDir } from './support.mjs';
import {
  openDevice, closeDevices, createVault, createAccount, signInNewDevice, waitSynced, eventually,
} from './devices.mjs';

const ACCOUNT = 'archive@coffer.example';
const PASSPHRASE = 'velvet tugboats carry thirty paper moons';
const ROWS = 160;
// Three bytes per character in UTF-8: about 60 KB of notes per contact.
const NOTES = '长'.repeat(19_990);

let server;
let dataDir;

before(async () => {
  dataDir = tempDir('coffer-e2e-large-data-');
  server = await startServer(dataDir);
});

after(async () => {
  await closeDevices();
  await server?.stop();
  removeDir(dataDir);
});

test('a first upload over the push size limit still syncs everything', async () => {
  const a = await openDevice(server.url, 'a');
  await createVault(a, PASSPHRASE);
  const lines = ['First Name,Last Name,Email,Notes'];
  for (let i = 0; i < ROWS; i++) lines.push(`Person,Number${i},person${i}@large.example,${NOTES}`);
  const csv = Buffer.from(lines.join('\n'), 'utf8');
  assert.ok(csv.length > 9 * 1024 * 1024, 'the contacts do not fit one push');
  await a.getByRole('button', { name: 'Import', exact: true }).click();
  await a.getByLabel('File to import').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: csv });
  await a.locator('#import-format').waitFor();
  await a.getByRole('button', { name: 'Start import' }).click();
  await a.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 60000 });
  assert.equal((await a.locator('.summary-counts li').allTextContents())[0], `Created: ${ROWS}`);
  await a.getByRole('button', { name: 'Contacts', exact: true }).click();
  await createAccount(a, ACCOUNT, PASSPHRASE);
  await waitSynced(a);
  const b = await openDevice(server.url, 'b');
  await signInNewDevice(b, ACCOUNT, PASSPHRASE);
  await b.getByText(`${ROWS} contacts`).waitFor({ timeout: 60000 });
  // The list is virtualised: find the contact first.
  await b.getByLabel('Search contacts').fill('person7@large.example');
  const seen = await eventually(b, 'Person Number7', (v) => v.notes === NOTES);
  assert.equal(seen.values.notes.length, NOTES.length);
});
