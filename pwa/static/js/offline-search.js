// Search in the page, on the saved catalogue data. The worker answers
// /find?q=... with the saved search page, which carries every result card as
// the server renders it; this finds the matches the way server/search.py
// does and shows those cards. Served by the server, the page has no cards and
// the results are already there.
{
  const cards = document.querySelector('[data-search-offline]');
  const results = document.querySelector('[data-search-results]');
  const query = (new URLSearchParams(window.location.search).get('q') || '').trim().slice(0, 200);
  const WORD = /[\p{L}\p{N}_]+/gu;
  const WEIGHTS = [5, 3, 1]; // name, need names, summary

  const fold = (text) => text.toLowerCase().replace(/ß/g, 'ss').normalize('NFKD').replace(/\p{M}/gu, '');

  const search = (doc, lang, limit) => {
    const words = (query.match(WORD) || []).map(fold).slice(0, 10);
    if (!words.length) return [];
    const texts = (text) => (text ? [...new Set([text[lang] || '', text.en || ''])].join(' ') : '');
    const needs = new Map(doc.needs.map((need) => [need.id, need]));
    const tags = (ids) => ids.map((id) => texts(needs.get(id).name)).join(' ');
    const candidates = [
      ...doc.needs.map((n) => [n, texts(n.name), '', texts(n.description)]),
      ...doc.services.filter((s) => s.status !== 'inactive')
        .map((s) => [s, texts(s.name), tags(s.needs), texts(s.description)]),
      ...doc.videos.map((v) => [v, texts(v.title), tags(v.needs), texts(v.summary)]),
    ];
    const hits = [];
    candidates.forEach(([record, ...fields]) => {
      const folded = fields.map(fold);
      let score = 0;
      const all = words.every((word) => {
        const found = WEIGHTS.filter((_, i) => folded[i].includes(word));
        score += found.length ? Math.max(...found) : 0;
        return found.length > 0;
      });
      if (all) hits.push({ record, score });
    });
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  };

  const paragraph = (text) => {
    const p = document.createElement('p');
    p.textContent = text;
    return p;
  };

  const show = (hits, counts) => {
    if (!hits.length) {
      results.replaceChildren(paragraph(cards.dataset.none.replace('{query}', query)));
      return;
    }
    const list = document.createElement('ul');
    list.className = 'cards';
    hits.forEach(({ record }) => {
      const card = cards.querySelector(`template[data-card="${record.code}"]`);
      if (card) list.append(card.content.cloneNode(true));
    });
    results.replaceChildren(paragraph(counts[hits.length]), list);
  };

  if (cards && results && query) {
    const counts = JSON.parse(cards.dataset.counts);
    const input = document.getElementById('q');
    if (input) input.value = query;
    fetch('/api/catalogue')
      .then((response) => response.json())
      .then((doc) => show(search(doc, cards.dataset.lang, counts.length - 1), counts))
      .catch(() => {});
  }
}
