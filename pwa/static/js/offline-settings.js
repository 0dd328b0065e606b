// The offline settings on the about page: which languages this device keeps,
// and an install button for those who look for one. The browser's own
// install banner is never shown: nobody is pushed to install.
{
  const panel = document.querySelector('[data-offline-settings]');
  const install = panel && panel.querySelector('[data-install]');
  const worker = navigator.serviceWorker;
  let deferred = null;

  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    deferred = event;
    if (install) install.hidden = false;
  });

  if (install) {
    install.addEventListener('click', () => {
      if (!deferred) return;
      deferred.prompt();
      deferred = null;
      install.hidden = true;
    });
  }

  if (panel && worker && window.isSecureContext) {
    const boxes = [...panel.querySelectorAll('[data-offline-language]')];
    const pageLanguage = document.documentElement.lang.split('-')[0];
    panel.hidden = false;
    window.addEventListener('cares-forgotten', () => { panel.hidden = true; });

    worker.addEventListener('message', ({ data }) => {
      if (!data || data.type !== 'status' || !data.languages) return;
      boxes.forEach((box) => { box.checked = data.languages.includes(box.value); });
    });

    boxes.forEach((box) => box.addEventListener('change', () => {
      let chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      if (!chosen.length) {
        boxes.filter((b) => b.value === pageLanguage).forEach((b) => { b.checked = true; });
        chosen = [pageLanguage];
      }
      worker.ready.then((registration) => registration.active
        && registration.active.postMessage({ type: 'languages', languages: chosen }));
    }));
  }
}
