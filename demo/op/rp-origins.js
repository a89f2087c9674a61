// Which pages the dev OP lets sign in: its clients accept any redirect URI on these origins.
// `RP_ORIGINS` (comma separated) adds origins to the demo's own, for a newcomer's page on another
// port: `RP_ORIGINS=http://localhost:8080 npm run demo` (or `npm run op`).

/** The demo's origin plus those of RP_ORIGINS; throws with what to fix on a malformed one. */
export function rpOriginsFrom(env, demoOrigin = 'http://localhost:5173') {
  const extra = (env.RP_ORIGINS || '').split(',').map((s) => s.trim()).filter(Boolean).map((value) => {
    let url;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`RP_ORIGINS: "${value}" is not a URL; give origins such as http://localhost:8080`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`RP_ORIGINS: "${value}" is not an http(s) origin`);
    return url.origin;
  });
  return [...new Set([demoOrigin, ...extra])];
}

/**
 * Banner lines naming the accepted redirect URIs. A page must be on `localhost` like the OP
 * (not 127.0.0.1): on another site the OP's session cookie is not sent to its frames, and
 * session monitoring and prompt=none fail.
 */
export function redirectUriLines(origins) {
  const lines = [`Redirect URIs accepted: any URL (no fragment) on ${origins.join(', ')}`];
  const elsewhere = origins.filter((o) => new URL(o).hostname !== 'localhost');
  if (elsewhere.length) lines.push(`  note: ${elsewhere.join(', ')} not on localhost: session monitoring and prompt=none will not work there`);
  if (!process.env.RP_ORIGINS) lines.push('  your own page on another origin: RP_ORIGINS=http://localhost:8080 (comma separated) before the command');
  return lines;
}
