// Offline use: register the worker that keeps the catalogue on this device,
// show what is saved, and ask for updates when the app opens, comes back
// online or becomes visible. The worker does the work (service-worker.js).
{
  const box = document.querySelector('[data-offline-status]');
  const worker = navigator.serviceWorker;
  const RETRY_FIRST_MS = 30 * 1000;
  const RETRY_MAX_MS = 10 * 60 * 1000;

  if (box && worker && window.isSecureContext) {
    const lang = document.documentElement.lang;
    const line = box.querySelector('[data-offline-text]');
    const bar = box.querySelector('[data-offline-progress]');
    const reload = box.querySelector('[data-offline-reload]');
    let opened = null; // the saved set this page was drawn from
    let retryMs = RETRY_FIRST_MS;
    let retryTimer = 0;

    const number = (n) => new Intl.NumberFormat(lang).format(n);
    const day = (iso) => new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(iso));
    const fill = (name, values) => box.dataset[name].replace(/\{(\w+)\}/g, (_, key) => values[key]);
    const describe = (state) => ({ version: number(state.version), date: day(state.published_at) });

    const show = (name, text, state) => {
      box.hidden = false;
      box.dataset.state = name;
      if (state) box.dataset.version = state.version;
      line.textContent = text;
      bar.hidden = name !== 'saving';
      reload.hidden = name !== 'updated';
    };

    // After "Forget this device" this page asks the worker for nothing more.
    let forgotten = false;
    window.addEventListener('cares-forgotten', () => {
      forgotten = true;
      clearTimeout(retryTimer);
      box.hidden = true;
    });
    const post = (message) => worker.ready.then((registration) => {
      if (!forgotten && registration.active) registration.active.postMessage(message);
    });
    const check = (reason) => post({ type: 'hello', reason });

    const retryLater = () => {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => check('retry'), retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };

    // Ask once that the saved copy is not evicted when space runs low.
    const keep = () => {
      const { storage } = navigator;
      if (storage && storage.persist) storage.persisted().then((yes) => yes || storage.persist());
    };

    // A page drawn from an older saved set offers a reload, never mixes.
    const saved = (state) => {
      opened = opened || state.etag;
      if (opened !== state.etag) return show('updated', fill('updated', describe(state)), state);
      keep();
      return show('ready', fill('ready', describe(state)), state);
    };

    const handlers = {
      status: ({ state }) => state && saved(state),
      progress: ({ done, total }) => {
        bar.max = total;
        bar.value = done;
        show('saving', fill('saving', { done: number(done), total: number(total) }));
      },
      saved: ({ state }) => {
        retryMs = RETRY_FIRST_MS;
        saved(state);
      },
      failed: ({ state, stage }) => {
        // Failing to reach the server is only being offline: say nothing.
        if (stage === 'check' && state) return saved(state);
        retryLater();
        return show('failed', state ? fill('stale', describe(state)) : fill('failed', {}), state);
      },
    };

    worker.addEventListener('message', (event) => {
      const handle = event.data && handlers[event.data.type];
      if (handle) handle(event.data);
    });
    reload.addEventListener('click', () => window.location.reload());
    window.addEventListener('online', () => check('online'));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') check('visible');
    });
    worker.register('/service-worker.js', { scope: '/', updateViaCache: 'none' })
      .catch(() => show('failed', fill('failed', {})));
    check('open');
  }
}
