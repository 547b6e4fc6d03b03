// Shared set-up for the end-to-end tests: the real server binary on a free
// port with its own data directory, and Debian's Chromium through
// playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SERVER_BIN = process.env.COFFER_SERVER_BIN;
const DIST = process.env.COFFER_DIST;

// Flags that keep Chromium off the closed network (see TOOLCHAIN.md).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/// Starts coffer-server; resolves once it prints its listening line.
/// `port` restarts a server where the pages expect it (same origin); `args`
/// are extra server flags.
export async function startServer(dataDir, { port = 0, args = [] } = {}) {
  if (!SERVER_BIN || !DIST) {
    throw new Error('COFFER_SERVER_BIN and COFFER_DIST must be set (cargo xtask test sets them)');
  }
  const child = spawn(SERVER_BIN, ['--port', String(port), '--data-dir', dataDir, '--dist', DIST, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'info' },
  });
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${log}`)), 20000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      log += chunk;
      const match = out.match(/listening on (http:\/\/[^\s]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}\n${log}`)));
  });
  return {
    url,
    logs: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export async function launchBrowser(profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/// Every file under a directory, as bytes.
export function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

/// Dumps everything the page's origin keeps: every IndexedDB database, store,
/// key and value; localStorage; sessionStorage; Cache Storage; cookies.
/// Byte arrays come back as base64 so the test can search their bytes.
export async function dumpBrowserStorage(page) {
  return page.evaluate(async () => {
    const toBase64 = (bytes) => {
      let s = '';
      for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
      return btoa(s);
    };
    const encode = (value) => {
      if (value instanceof Uint8Array) return { bytes: toBase64(value) };
      if (value instanceof ArrayBuffer) return { bytes: toBase64(new Uint8Array(value)) };
      if (value instanceof Blob) return { text: '[blob]' };
      return { text: JSON.stringify(value) };
    };
    const result = { indexedDb: [], localStorage: {}, sessionStorage: {}, caches: [], cookies: document.cookie };
    for (const info of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open(info.name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const storeName of db.objectStoreNames) {
        const tx = db.transaction(storeName, 'readonly');
        const store = tx.objectStore(storeName);
        const [keys, values] = await Promise.all(
          [store.getAllKeys(), store.getAll()].map(
            (req) => new Promise((resolve, reject) => {
              req.onsuccess = () => resolve(req.result);
              req.onerror = () => reject(req.error);
            }),
          ),
        );
        keys.forEach((key, i) =>
          result.indexedDb.push({ db: info.name, store: storeName, key: JSON.stringify(key), value: encode(values[i]) }),
        );
      }
      db.close();
    }
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      result.localStorage[k] = localStorage.getItem(k);
    }
    for (let i = 0; i < sessionStorage.length; i++) {
      const k = sessionStorage.key(i);
      result.sessionStorage[k] = sessionStorage.getItem(k);
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        const body = new Uint8Array(await response.arrayBuffer());
        result.caches.push({ url: request.url, bytes: toBase64(body) });
      }
    }
    return result;
  });
}

/// Finds each needle (as UTF-8 bytes, and case-insensitively as text) in a
/// storage dump; returns the hits as readable strings.
export function findPlaintext(dump, needles) {
  const blobs = [];
  for (const entry of dump.indexedDb) {
    blobs.push({ where: `IndexedDB ${entry.db}/${entry.store} key ${entry.key}`, text: entry.key });
    const v = entry.value;
    blobs.push({
      where: `IndexedDB ${entry.db}/${entry.store} value of ${entry.key}`,
      bytes: v.bytes ? Buffer.from(v.bytes, 'base64') : Buffer.from(v.text ?? '', 'utf8'),
    });
  }
  for (const [k, v] of Object.entries(dump.localStorage)) blobs.push({ where: `localStorage ${k}`, text: `${k}=${v}` });
  for (const [k, v] of Object.entries(dump.sessionStorage)) blobs.push({ where: `sessionStorage ${k}`, text: `${k}=${v}` });
  for (const c of dump.caches) {
    const bytes = Buffer.from(c.bytes, 'base64');
    // The app's own files are cached for offline use; they are what the
    // server ships, identical for everyone, so only other content counts.
    if (isShippedFile(new URL(c.url).pathname, bytes)) continue;
    blobs.push({ where: `Cache Storage ${c.url}`, bytes });
  }
  blobs.push({ where: 'cookies', text: dump.cookies });
  return findIn(blobs, needles);
}

function isShippedFile(pathname, bytes) {
  const file = join(DIST, pathname === '/' ? 'index.html' : pathname);
  try {
    return readFileSync(file).equals(bytes);
  } catch {
    return false;
  }
}

export function findIn(blobs, needles) {
  const hits = [];
  for (const blob of blobs) {
    const bytes = blob.bytes ?? Buffer.from(blob.text ?? '', 'utf8');
    const lower = bytes.toString('utf8').toLowerCase();
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, 'utf8')) || lower.includes(needle.toLowerCase())) {
        hits.push(`${JSON.stringify(needle)} found in ${blob.where}`);
      }
    }
  }
  return hits;
}

/// Fails a test with the page's console output attached, which is the first
/// thing one wants when a browser test breaks.
export function collectConsole(page) {
  const lines = [];
  page.on('console', (msg) => lines.push(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => lines.push(`[pageerror] ${err.message}`));
  return lines;
}

/// Fills the lock screen and presses Unlock.
export async function unlock(page, passphrase) {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}
