// npm run bench, DPoP: the main-thread cost of the proof that goes with each API call. The page's
// own key pair (made non-extractable by the element, read back from IndexedDB) signs through
// oauth4webapi's DPoP handle, in the call client.fetch() makes (protectedResourceRequest), with a
// fetch that answers at once: what is timed is the headers, not the network.
import * as oauth from 'oauth4webapi';

document.querySelector('aq-signin').setAttribute('issuer', new URLSearchParams(location.search).get('issuer'));
const script = Object.assign(document.createElement('script'), { src: '/dist/aq-signin.js' });
document.head.append(script);

/** The key pair the element stored (database `aq-signin`, store `dpop-keys`), once it is there. */
async function pageKey() {
  for (;;) {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('aq-signin');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const pairs = db.objectStoreNames.contains('dpop-keys')
      ? await new Promise((resolve) => {
        const all = db.transaction('dpop-keys').objectStore('dpop-keys').getAll();
        all.onsuccess = () => resolve(all.result);
      })
      : [];
    db.close();
    if (pairs.length) return pairs[0];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// An access token of a typical JWT's length: the proof carries its SHA-256 (ath).
const TOKEN = 'e'.repeat(900);
const API = new URL('https://api.example.com/me');
const answer = async () => new Response(null, { status: 204 });

/**
 * Per call, in ms: `batches` times `size` calls one after another, each with a DPoP proof (`dpop`)
 * or Bearer only; one figure per batch (its time / size), as the timer is coarser than a call.
 */
window.__proofTimes = async (batches, size, dpop) => {
  const pair = await pageKey();
  if (pair.privateKey.extractable) throw new Error('the page key is extractable');
  const handle = dpop ? oauth.DPoP({}, pair) : undefined;
  const times = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < size; i++) {
      await oauth.protectedResourceRequest(TOKEN, 'GET', API, new Headers(), null, { DPoP: handle, [oauth.customFetch]: answer });
    }
    times.push((performance.now() - t0) / size);
  }
  return times;
};
