// Share actions that need no server: device share sheet and copy to clipboard.
// Text message and email are plain sms:/mailto: links rendered by the server.
{
  const say = (panel, message) => {
    const status = panel.querySelector('[data-share-status]');
    if (status) status.textContent = message;
  };

  const setUp = (panel) => {
    const { url, title, text } = panel.dataset;
    const native = panel.querySelector('[data-share-native]');
    const copy = panel.querySelector('[data-share-copy]');
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener('click', () => {
        navigator.share({ title, text, url }).catch(() => {});
      });
    }
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(url);
          say(panel, copy.dataset.done);
        } catch (error) {
          say(panel, url);
        }
      });
    }
  };

  document.querySelectorAll('[data-share]').forEach(setUp);
}
