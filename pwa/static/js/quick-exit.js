// Quick exit: hide the page at once, then replace this history entry with a
// neutral site, so Back does not return here.
{
  const SHIFT_PRESSES = 3;
  const SHIFT_WINDOW_MS = 2000;
  let shiftTimes = [];

  const leave = (url) => {
    document.documentElement.classList.add('leaving');
    document.title = '';
    if (document.body) document.body.hidden = true;
    window.location.replace(url);
  };

  const exitUrl = () => {
    const link = document.querySelector('[data-quick-exit]');
    return link ? link.href : 'about:blank';
  };

  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('[data-quick-exit]');
    if (!link) return;
    event.preventDefault();
    leave(link.href);
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      leave(exitUrl());
      return;
    }
    if (event.key !== 'Shift' || event.repeat) return;
    const now = Date.now();
    shiftTimes = shiftTimes.filter((t) => now - t < SHIFT_WINDOW_MS);
    shiftTimes.push(now);
    if (shiftTimes.length >= SHIFT_PRESSES) leave(exitUrl());
  });
}
