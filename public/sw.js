// Coffer's service worker: keeps the app's own files so Coffer opens and
// unlocks with the network off. It never handles customer data: records
// live encrypted in IndexedDB, and /api/ requests pass straight through.
'use strict';

const CACHE = 'coffer-shell-v1';
// Files that index.html does not name but the installed app needs.
const EXTRA = ['/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/icon-maskable-512.png'];

// The hashed files (wasm, js, css) that an index.html refers to.
function assetsOf(html) {
  const found = new Set();
  for (const match of html.matchAll(/(?:href|src)="(\/[^"]+)"/g)) {
    found.add(match[1]);
  }
  // Trunk's loader imports the JS and fetches the wasm by name.
  for (const match of html.matchAll(/['"](\/[^'"]+\.(?:js|wasm))['"]/g)) {
    found.add(match[1]);
  }
  return found;
}

// Stores the page and everything it needs, then drops files of older builds.
async function refreshShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const keep = new Set(['/', ...EXTRA, ...assetsOf(html)]);
  await cache.put('/', response);
  await Promise.all(
    [...keep].filter((path) => path !== '/').map(async (path) => {
      if (!(await cache.match(path))) {
        const fresh = await fetch(path, { cache: 'no-cache' });
        if (fresh.ok) await cache.put(path, fresh);
      }
    }),
  );
  for (const request of await cache.keys()) {
    if (!keep.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    fetch('/', { cache: 'no-cache' })
      .then((response) => (response.ok ? refreshShell(response) : undefined))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return; // the network, untouched
  }
  if (request.mode === 'navigate') {
    // Network first so a new build is picked up; the cached page offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(refreshShell(response.clone()));
          return response;
        })
        .catch(async () => (await caches.match('/')) || Response.error()),
    );
    return;
  }
  // Hashed build files never change: the cache first, the network to fill it.
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then(async (response) => {
          if (response.ok) {
            const cache = await caches.open(CACHE);
            await cache.put(request, response.clone());
          }
          return response;
        }),
    ),
  );
});
