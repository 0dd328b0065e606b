// A link to several items, opened from the copy saved on this device: the
// worker answers /list?c=... with the saved list page, which carries every
// card; this shows the cards the link names, in its order. Served by the
// server, the page has no saved cards and the list is already there.
{
  const cards = document.querySelector('[data-list-offline]');
  const list = document.querySelector('[data-list-items]');
  const button = document.querySelector('[data-list-share]');
  const MAX_ITEMS = 20;

  // As server/share.py's list_codes: bounded, whatever the link's length.
  const MAX_PARTS = 4 * MAX_ITEMS;
  const codes = () => {
    const parts = new URLSearchParams(window.location.search).getAll('c')
      .flatMap((value) => value.toUpperCase().split(/[-,.\s]+/)).slice(0, MAX_PARTS);
    const found = [];
    for (const code of parts) {
      if (/^[0-9A-Z]{4,8}$/.test(code) && !found.includes(code)) found.push(code);
      if (found.length === MAX_ITEMS) break;
    }
    return found;
  };

  if (cards && list) {
    const wanted = codes();
    const known = wanted.filter((code) => cards.querySelector(`template[data-card="${code}"]`));
    if (known.length) {
      const ul = document.createElement('ul');
      ul.className = 'cards';
      known.forEach((code) => {
        ul.append(cards.querySelector(`template[data-card="${code}"]`).content.cloneNode(true));
      });
      const parts = [ul];
      if (known.length < wanted.length) {
        const note = document.createElement('p');
        note.className = 'notice';
        note.setAttribute('role', 'note');
        note.textContent = cards.dataset.missing;
        parts.unshift(note);
      }
      list.replaceChildren(...parts);
      button.hidden = false;
      button.addEventListener('click', () => {
        document.dispatchEvent(new CustomEvent('cares:share', {
          detail: { path: `/list?c=${known.join('-')}`, count: known.length, opener: button },
        }));
      });
    }
  }
}
