// Keeps the published catalogue on the device, one whole version at a time.
//
// For each published version the server lists the offline set: every file
// with the hash of its exact body (/api/offline.json, announced with its own
// hash by /api/version). A set is downloaded into a cache named after that
// hash, each file verified against its hash (unchanged files are copied from
// the cache in use), and switched to by rewriting one pointer. Pages are
// answered from the cache the pointer names, so the device always shows
// exactly one version, and a failed download leaves the old one untouched.
// Nothing else is ever cached: no admin page, no error, no redirect, nothing
// fetched with credentials.
const SITE_PREFIX = 'cares-site-';
const META_CACHE = 'cares-meta';
const STATE_KEY = '/offline-state';
const LANGUAGES_KEY = '/offline-languages';
const SET_KEY = '/api/offline.json';
const VERSION_URL = '/api/version';
const LANGUAGES = ['en', 'fr', 'ar', 'es'];
const DEFAULT_LANGUAGE = 'en';
const NEVER_CACHED = /^\/admin(\/|$)/;
const PARALLEL = 4;
const PROGRESS_EVERY_MS = 100;
const OPEN_CHECK_EVERY_MS = 60 * 1000;
// Quick exit leaves through this address (see quick-exit.js). A poor signal
// must not keep the reader waiting on a blank page: past this the saved
// neutral page is shown instead of the neutral site.
const EXIT_ROUTE = /^(\/[a-z]{2})?\/blank$/;
const EXIT_WAIT_MS = 3000;

let running = null;
let lastCheck = 0;
// Set by "Forget this device" (forget-device.js): from then on this worker
// saves nothing, and a download under way stops at its next file.
let forgotten = false;

const languageOf = (path) => {
  const first = path.split('/')[1];
  return LANGUAGES.includes(first) ? first : DEFAULT_LANGUAGE;
};

const prefixOf = (lang) => (lang === DEFAULT_LANGUAGE ? '' : `/${lang}`);

const readMeta = async (key) => {
  const response = await caches.match(key, { cacheName: META_CACHE });
  return response ? response.json() : null;
};

const writeMeta = async (key, value) => {
  if (forgotten) return;
  const meta = await caches.open(META_CACHE);
  await meta.put(key, new Response(JSON.stringify(value), {
    headers: { 'content-type': 'application/json' },
  }));
};

const tell = async (message) => {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
};

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

// Only a plain 200 from this origin, outside /admin, is ever stored.
const cacheable = (path, response) => response.status === 200 && response.type === 'basic'
  && !response.redirected && !NEVER_CACHED.test(path);

// Fetch one entry of a set and prove it is the revision the set names.
const fetchVerified = async (path, hash) => {
  const response = await fetch(path, { cache: 'no-cache', credentials: 'omit', redirect: 'error' });
  if (!cacheable(path, response)) throw new Error(`${path}: status ${response.status}`);
  const body = await response.clone().arrayBuffer();
  const digest = hex(await crypto.subtle.digest('SHA-256', body)).slice(0, hash.length);
  if (digest !== hash) throw new Error(`${path}: not the published revision`);
  return { response, bytes: body.byteLength };
};

const wantedLanguages = async (available) => {
  const chosen = (await readMeta(LANGUAGES_KEY)) || [];
  const wanted = chosen.filter((lang) => available.includes(lang));
  return wanted.length ? wanted : [available[0]];
};

// The first languages: the one the app was opened in, plus English.
const chooseFirstLanguages = async () => {
  if (await readMeta(LANGUAGES_KEY)) return;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const opened = windows.map((client) => languageOf(new URL(client.url).pathname));
  await writeMeta(LANGUAGES_KEY, [...new Set([...opened, DEFAULT_LANGUAGE])]);
};

const dropSiteCaches = async (keep) => {
  const names = await caches.keys();
  await Promise.all(names
    .filter((name) => name.startsWith(SITE_PREFIX) && !keep.includes(name))
    .map((name) => caches.delete(name)));
};

const revisionsOf = async (cache) => {
  const set = cache && await cache.match(SET_KEY);
  const files = set ? Object.values((await set.json()).files).flat() : [];
  return new Map(files);
};

// A few downloads at a time; after a failure no new one starts, and the
// failure is reported once every download under way has settled.
const runPool = async (items, work) => {
  const queue = [...items];
  let failed = false;
  const worker = async () => {
    while (queue.length && !failed) {
      try {
        await work(queue.shift());
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: PARALLEL }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
};

const isComplete = async (state) => {
  if (!(await caches.has(state.cache))) return false;
  const cache = await caches.open(state.cache);
  return (await cache.keys()).length === state.files + 1;
};

// Download the published set into its own cache, verify it, then switch.
const update = async (report) => {
  const info = await (await fetch(VERSION_URL, { cache: 'no-store', credentials: 'omit' })).json();
  const etag = info.offline_manifest.etag;
  const { response: setResponse } = await fetchVerified(info.offline_manifest.url, etag);
  const set = await setResponse.clone().json();
  const languages = await wantedLanguages(set.languages);
  const state = await readMeta(STATE_KEY);
  const name = SITE_PREFIX + etag;
  if (state && state.cache === name && String(state.languages) === String(languages)
      && await isComplete(state)) {
    return { state, changed: false };
  }
  report.stage = 'download';
  await dropSiteCaches([name, state && state.cache]);
  const cache = await caches.open(name);
  const old = state && state.cache !== name ? await caches.open(state.cache) : null;
  const oldRevisions = await revisionsOf(old);
  const entries = [...set.files.common, ...languages.flatMap((lang) => set.files[lang] || [])];
  const total = entries.length;
  const counts = { done: 0, fetched: 0, copied: 0, bytes: 0 };
  let told = Date.now();
  await tell({ type: 'progress', done: 0, total });
  await runPool(entries, async ([path, hash]) => {
    if (forgotten) throw new Error('forgotten');
    if (!(await cache.match(path))) {
      const previous = oldRevisions.get(path) === hash && await old.match(path);
      if (previous) {
        await cache.put(path, previous);
        counts.copied += 1;
      } else {
        const { response, bytes } = await fetchVerified(path, hash);
        await cache.put(path, response);
        counts.fetched += 1;
        counts.bytes += bytes;
      }
    }
    counts.done += 1;
    if (Date.now() - told > PROGRESS_EVERY_MS || counts.done === total) {
      told = Date.now();
      await tell({ type: 'progress', done: counts.done, total });
    }
  });
  if (forgotten) throw new Error('forgotten');
  await cache.put(SET_KEY, setResponse);
  const wanted = new Set([SET_KEY, ...entries.map(([path]) => path)]);
  const stored = await cache.keys();
  const present = new Set(stored.map((request) => new URL(request.url).pathname));
  const missing = [...wanted].filter((path) => !present.has(path));
  if (missing.length) throw new Error(`incomplete: ${missing.length} files missing`);
  await Promise.all(stored
    .filter((request) => !wanted.has(new URL(request.url).pathname))
    .map((request) => cache.delete(request)));
  const next = {
    cache: name,
    etag,
    version: info.version,
    published_at: info.published_at,
    languages,
    files: total,
  };
  await writeMeta(STATE_KEY, next);
  await dropSiteCaches([name]);
  return { state: next, changed: true, previous: state, counts };
};

const check = (force) => {
  if (forgotten) return Promise.resolve();
  if (running) return running;
  if (!force && Date.now() - lastCheck < OPEN_CHECK_EVERY_MS) return Promise.resolve();
  const report = { stage: 'check' };
  running = update(report)
    .then(async (result) => {
      lastCheck = Date.now();
      if (result.changed) {
        await tell({
          type: 'saved',
          state: result.state,
          previous: result.previous && result.previous.etag,
          counts: result.counts,
        });
      }
    })
    .catch(async (error) => {
      const state = await readMeta(STATE_KEY);
      await tell({ type: 'failed', stage: report.stage, state, error: String(error) });
      throw error;
    })
    .finally(() => { running = null; });
  return running;
};

const fromSaved = async (key) => {
  const state = await readMeta(STATE_KEY);
  return state ? caches.match(key, { cacheName: state.cache, ignoreVary: true }) : undefined;
};

// Pages come from the saved version whatever their query string
// (start_url's ?source=pwa, or a search the page runs itself).
const openPage = async (event, url) => {
  const saved = await fromSaved(url.pathname);
  if (saved) return saved;
  try {
    return await fetch(event.request);
  } catch (error) {
    // Never a browser error page: the saved offline page, with the hotlines,
    // in the page's language if it is saved.
    const state = await readMeta(STATE_KEY);
    const languages = [languageOf(url.pathname), ...(state ? state.languages : [])];
    for (const lang of languages) {
      const fallback = await fromSaved(`${prefixOf(lang)}/offline`);
      if (fallback) return fallback;
    }
    throw error;
  }
};

// Online, the server answers the exit address with a redirect to the
// neutral site, handed to the browser as it is. Offline, or with no answer in
// time, the saved neutral page (never the offline page: it names this site).
const leave = async (event, url) => {
  const redirect = fetch(event.request).then((response) => (
    response.type === 'opaqueredirect' ? response : Promise.reject(new Error('no redirect'))));
  const late = new Promise((resolve) => { setTimeout(() => resolve(null), EXIT_WAIT_MS); });
  try {
    if (self.navigator.onLine === false) throw new Error('offline');
    const answer = await Promise.race([redirect, late]);
    if (!answer) throw new Error('no answer in time');
    return answer;
  } catch (error) {
    redirect.catch(() => {});
    const state = await readMeta(STATE_KEY);
    const languages = [languageOf(url.pathname), ...(state ? state.languages : [])];
    for (const lang of languages) {
      const neutral = await fromSaved(`${prefixOf(lang)}/blank.html`);
      if (neutral) return neutral;
    }
    return redirect;
  }
};

const openFile = async (event, url) => (await fromSaved(url.pathname + url.search))
  || fetch(event.request);

self.addEventListener('install', (event) => {
  event.waitUntil(chooseFirstLanguages()
    .then(() => check(true))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(readMeta(STATE_KEY)
    .then((state) => dropSiteCaches(state ? [state.cache] : []))
    .then(() => self.clients.claim()));
});

// Forget this device: stop saving, wait for a download under way to stop,
// then delete every cache of this site. The page unregisters the worker.
const forget = async () => {
  forgotten = true;
  if (running) await running.catch(() => {});
  const names = await caches.keys();
  await Promise.all(names.map((name) => caches.delete(name)));
};

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'forget') {
    const reply = event.ports[0];
    event.waitUntil(forget().then(() => reply && reply.postMessage({ type: 'forgotten' })));
    return;
  }
  if (forgotten) return;
  if (data.type === 'hello') {
    event.waitUntil(Promise.all([readMeta(STATE_KEY), readMeta(LANGUAGES_KEY)])
      .then(([state, languages]) => event.source.postMessage({
        type: 'status', state, languages, busy: Boolean(running),
      }))
      .then(() => check(data.reason !== 'open'))
      .catch(() => {}));
  }
  if (data.type === 'languages' && Array.isArray(data.languages)) {
    const chosen = data.languages.filter((lang) => LANGUAGES.includes(lang));
    event.waitUntil(writeMeta(LANGUAGES_KEY, chosen)
      .then(() => (running || Promise.resolve()).catch(() => {}))
      .then(() => check(true))
      .catch(() => {}));
  }
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // Outbound links, other methods, Range requests, /admin and the version
  // check go to the network untouched.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.headers.has('range') || NEVER_CACHED.test(url.pathname)) return;
  if (url.pathname === VERSION_URL) return;
  if (request.mode === 'navigate' && EXIT_ROUTE.test(url.pathname)) {
    event.respondWith(leave(event, url));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(openPage(event, url));
    return;
  }
  event.respondWith(openFile(event, url));
});
