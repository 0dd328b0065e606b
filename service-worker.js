// The offline worker arrives with the offline-first work; until then it only
// takes control so that later versions can replace it cleanly.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
