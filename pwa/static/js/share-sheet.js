// The full-screen share sheet: one tap on any "Share" opens the item's QR code
// big enough to scan from arm's length, its short link, and text message,
// email, device share and copy, in the language the officer picks. Works
// offline: the link is made here and its QR code drawn on the device by the
// vendored QR library (pwa/static/vendor/), saved with the rest of the site.
// Escape stays the quick exit shortcut, as on every page; the sheet closes
// with its button (or the phone's Back gesture) and gives focus back.
{
  const sheet = document.querySelector('[data-share-sheet]');
  const QR_LIBRARY = '/static/vendor/uqr-0.1.3.js';
  const SVG = 'http://www.w3.org/2000/svg';

  if (sheet && typeof sheet.showModal === 'function') {
    const texts = JSON.parse(sheet.dataset.texts);
    const counts = JSON.parse(sheet.dataset.counts);
    const find = (name) => sheet.querySelector(`[data-sheet-${name}]`);
    const [qrBox, link, title, sms, email, native, copy, status] = ['qr', 'link', 'name', 'sms',
      'email', 'native', 'copy', 'status'].map(find);
    let lang = sheet.dataset.lang;
    let shown = null; // { path, name, opener }
    let lock = null;
    let library = null;

    const prefix = (code) => (code === 'en' ? '' : `/${code}`);
    // As server/share.py encodes: RFC 3986 unreserved characters only.
    const encode = (text) => encodeURIComponent(text)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const say = (text) => { status.textContent = text; };

    // Dark modules as one path, with the 4-module quiet zone inside the picture.
    const drawQr = async (url) => {
      library = library || import(QR_LIBRARY);
      const { encode: qr } = await library;
      const { data, size } = qr(url, { ecc: 'M', border: 4 });
      let d = '';
      data.forEach((row, y) => row.forEach((dark, x) => { if (dark) d += `M${x} ${y}h1v1h-1z`; }));
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
      svg.setAttribute('shape-rendering', 'crispEdges');
      const paper = document.createElementNS(SVG, 'rect');
      paper.setAttribute('width', size);
      paper.setAttribute('height', size);
      paper.setAttribute('fill', '#fff');
      const ink = document.createElementNS(SVG, 'path');
      ink.setAttribute('d', d);
      ink.setAttribute('fill', '#000');
      svg.append(paper, ink);
      qrBox.replaceChildren(svg);
    };

    const fill = async () => {
      const url = sheet.dataset.base + prefix(lang) + shown.path;
      const { subject, message } = texts[lang];
      const body = `${message} ${url}`;
      sheet.dataset.url = url;
      link.textContent = url;
      title.textContent = shown.name;
      sms.href = `sms:?&body=${encode(body)}`;
      email.href = `mailto:?subject=${encode(subject)}&body=${encode(body)}`;
      qrBox.setAttribute('aria-label', sheet.dataset.qrLabel.replace('{url}', url));
      say('');
      await drawQr(url);
      sheet.dataset.drawn = url;
      performance.mark('share-sheet-drawn');
    };

    const keepAwake = async () => {
      if (!('wakeLock' in navigator) || !sheet.open || document.visibilityState !== 'visible') return;
      try {
        lock = await navigator.wakeLock.request('screen');
        sheet.dataset.awake = 'yes';
        lock.addEventListener('release', () => { sheet.dataset.awake = 'no'; });
      } catch (error) {
        sheet.dataset.awake = 'refused'; // battery saver, or not allowed here
      }
    };

    const open = (path, name, opener) => {
      performance.mark('share-sheet-open');
      shown = { path, name, opener };
      sheet.showModal();
      find('close').focus();
      keepAwake();
      return fill();
    };

    sheet.addEventListener('close', () => {
      if (lock) lock.release().catch(() => {});
      lock = null;
      delete sheet.dataset.drawn;
      if (shown && shown.opener && shown.opener.isConnected) shown.opener.focus();
      shown = null;
    });
    document.addEventListener('visibilitychange', keepAwake);
    find('close').addEventListener('click', () => sheet.close());
    // The sheet's own quick exit hands over to the page's (quick-exit.js),
    // once the sheet no longer makes the rest of the page inert.
    find('exit').addEventListener('click', (event) => {
      const exit = document.querySelector('[data-quick-exit]');
      if (!exit) return;
      event.preventDefault();
      sheet.close();
      exit.click();
    });

    sheet.querySelectorAll('[data-sheet-lang]').forEach((radio) => {
      radio.addEventListener('change', () => {
        lang = radio.value;
        if (shown) fill();
      });
    });

    if (navigator.share) {
      native.hidden = false;
      native.addEventListener('click', () => {
        const { subject, message } = texts[lang];
        navigator.share({ title: subject, text: message, url: sheet.dataset.url }).catch(() => {});
      });
    }
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(sheet.dataset.url);
        say(sheet.dataset.copied);
      } catch (error) {
        // No clipboard here: select the link so it can be copied by hand.
        window.getSelection().selectAllChildren(link);
        say(sheet.dataset.url);
      }
    });

    // Any "Share" on the page (cards, the share section) opens the sheet.
    document.addEventListener('click', (event) => {
      const opener = event.target.closest && event.target.closest('[data-share-open]');
      if (!opener || sheet.contains(opener)) return;
      event.preventDefault();
      open(opener.dataset.path, opener.dataset.name, opener);
    });
    document.querySelectorAll('[data-share-open][hidden]').forEach((b) => { b.hidden = false; });

    // Other features (several items at once) open it with their own link.
    document.addEventListener('cares:share', (event) => {
      const { path, count, opener } = event.detail;
      open(path, counts[count] || '', opener);
    });
  }
}
