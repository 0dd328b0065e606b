// Forget this device (about page): delete everything this site keeps on the
// device (Cache Storage, IndexedDB if any) and unregister its worker. The
// worker is told first, so a download under way stops instead of writing
// the saved copy back; the other scripts of this page stop asking it for
// updates ('cares-forgotten').
{
  const panel = document.querySelector('[data-forget]');
  const button = panel && panel.querySelector('[data-forget-button]');
  const status = panel && panel.querySelector('[data-forget-status]');
  const worker = navigator.serviceWorker;
  const REPLY_WAIT_MS = 5000;

  const ask = (target) => new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(resolve, REPLY_WAIT_MS);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve();
    };
    target.postMessage({ type: 'forget' }, [channel.port2]);
  });

  const deleteDatabase = (name) => new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = resolve;
    request.onerror = resolve;
    request.onblocked = resolve;
  });

  const forget = async () => {
    window.dispatchEvent(new Event('cares-forgotten'));
    const registrations = worker ? await worker.getRegistrations() : [];
    const workers = registrations.flatMap((r) => [r.installing, r.waiting, r.active]).filter(Boolean);
    await Promise.all(workers.map(ask));
    await Promise.all(registrations.map((registration) => registration.unregister()));
    if (window.caches) {
      await Promise.all((await caches.keys()).map((name) => caches.delete(name)));
    }
    if (window.indexedDB && indexedDB.databases) {
      await Promise.all((await indexedDB.databases()).map((db) => deleteDatabase(db.name)));
    }
  };

  if (button && status && window.caches) {
    button.hidden = false;
    button.addEventListener('click', () => {
      button.disabled = true;
      status.textContent = '';
      forget()
        .then(() => { status.textContent = status.dataset.done; })
        .catch(() => { status.textContent = status.dataset.failed; })
        .finally(() => { button.disabled = false; });
    });
  }
}
