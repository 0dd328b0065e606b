// Share several at once: tick items on the picking page, then one link for
// all of them opens in the share sheet, in the order they were ticked.
// Without JavaScript the form itself asks the server for the list page.
{
  const form = document.querySelector('[data-pick]');
  const MAX_ITEMS = 20; // as server/share.py's MAX_LIST_ITEMS

  if (form) {
    const boxes = [...form.querySelectorAll('input[name="c"]')];
    const line = form.querySelector('[data-pick-count]');
    const counts = JSON.parse(line.dataset.counts);
    const filterBox = form.querySelector('[data-pick-filter-box]');
    const filter = form.querySelector('[data-pick-filter]');
    const order = boxes.filter((box) => box.checked).map((box) => box.value);
    const fold = (text) => text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');

    const show = () => { line.textContent = order.length ? counts[order.length] : ''; };

    boxes.forEach((box) => box.addEventListener('change', () => {
      const at = order.indexOf(box.value);
      if (at >= 0) order.splice(at, 1);
      if (box.checked && order.length < MAX_ITEMS) order.push(box.value);
      box.checked = order.includes(box.value);
      show();
    }));

    filterBox.hidden = false;
    filter.addEventListener('input', () => {
      const words = fold(filter.value).split(/\s+/).filter(Boolean);
      form.querySelectorAll('[data-pick-item]').forEach((item) => {
        const text = fold(item.textContent);
        item.hidden = !words.every((word) => text.includes(word));
      });
    });

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!order.length) {
        line.textContent = counts[0];
        return;
      }
      document.dispatchEvent(new CustomEvent('cares:share', {
        detail: { path: `/list?c=${order.join('-')}`, count: order.length, opener: event.submitter },
      }));
    });
    show();
  }
}
