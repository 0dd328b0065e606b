// Quick exit: hide the page at once, then replace this history entry, so
// Back does not return here. With the worker in charge the page leaves
// through the exit address (server/routes/public.py): online the server
// sends the browser on to the neutral site, offline the worker answers with
// a saved neutral page. Without the worker it goes straight to the site.
{
  const SHIFT_PRESSES = 3;
  const SHIFT_WINDOW_MS = 2000;
  let shiftTimes = [];

  const destination = (link) => {
    if (!link) return 'about:blank';
    const worker = navigator.serviceWorker;
    return worker && worker.controller && link.dataset.exitOffline
      ? link.dataset.exitOffline : link.href;
  };

  const leave = (link) => {
    document.documentElement.classList.add('leaving');
    document.title = '';
    if (document.body) document.body.hidden = true;
    window.location.replace(destination(link));
  };

  const exitLink = () => document.querySelector('[data-quick-exit]');

  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('[data-quick-exit]');
    if (!link) return;
    event.preventDefault();
    leave(link);
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      leave(exitLink());
      return;
    }
    // Only Shift three times in a row: typing capitals (Shift, a letter,
    // Shift...) must never throw the reader out.
    if (event.key !== 'Shift') {
      shiftTimes = [];
      return;
    }
    if (event.repeat) return;
    const now = Date.now();
    shiftTimes = shiftTimes.filter((t) => now - t < SHIFT_WINDOW_MS);
    shiftTimes.push(now);
    if (shiftTimes.length >= SHIFT_PRESSES) leave(exitLink());
  });
}
