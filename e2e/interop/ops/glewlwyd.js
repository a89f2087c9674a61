// Glewlwyd (Debian `glewlwyd`) as an OpenID Provider, from a private state folder: a fresh SQLite
// database made from the package's schema, a private copy of its configuration and of its web app
// (the package's webapp/config.json is a symlink to a directory), configured through its admin
// REST API. Nothing in /etc is changed.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnOp } from './process.js';

const SCHEMA = '/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3';
export const GLEWLWYD_PACKAGES = ['glewlwyd', 'sqlite3'];
export const glewlwydAvailable = () => existsSync('/usr/bin/glewlwyd') && existsSync(SCHEMA) && existsSync('/usr/bin/sqlite3');

/** The OP's users (password = login name + "-pw"); `given_name` is not a Glewlwyd claim, `name` is. */
export const GLEWLWYD_USERS = [
  { username: 'ivy', name: 'Ivy Interop', email: 'ivy@example.com' },
  { username: 'jack', name: 'Jack Interop', email: 'jack@example.com' },
];

/**
 * @param {{ port: number, dir: string, redirectUris: string[], distDir: string }} options
 * The page of the RP served on the OP's own origin (`/aq/signin.html`, see below) is a
 * redirect URI too.
 */
export async function startGlewlwyd({ port, dir, redirectUris, distDir }) {
  const origin = `http://localhost:${port}`;
  const issuer = `${origin}/api/oidc`;
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'glewlwyd.db');
  execFileSync('sqlite3', [db], { input: readFileSync(SCHEMA) });
  const webapp = join(dir, 'webapp');
  // Its css/ and js/ entries are symlinks relative to /usr/share (Debian's shared JS packages): copy
  // what they point to. config.json points at a directory of /etc and is written below instead.
  execFileSync('cp', ['-rL', '/usr/share/glewlwyd/webapp', webapp]);
  rmSync(join(webapp, 'config.json'), { recursive: true, force: true });
  const appConfig = JSON.parse(readFileSync('/usr/share/glewlwyd/templates/config.json', 'utf8'));
  writeFileSync(join(webapp, 'config.json'), JSON.stringify({ ...appConfig, GlewlwydUrl: `${origin}/`, lang: ['en'] }));
  // Glewlwyd's check_session iframe answers only pages of its own origin: the test page is also
  // served from here, with the script-tag build (dist/aq-signin.js and its chunks).
  const rpDir = join(webapp, 'aq');
  mkdirSync(rpDir);
  cpSync(distDir, rpDir, { recursive: true, filter: (src) => !src.endsWith('.map') && !src.includes('/types') });
  cpSync(new URL('../../pages/harness.js', import.meta.url), join(rpDir, 'harness.js'));
  writeFileSync(join(rpDir, 'signin.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>aq-signin on the OP's origin</title>
<script src="aq-signin.js"></script></head>
<body><aq-signin issuer="${issuer}" client-id="interop" scope="openid"></aq-signin><script src="harness.js"></script></body></html>
`);
  const sameOriginPage = `${origin}/aq/signin.html`;
  const conf = readFileSync('/etc/glewlwyd/glewlwyd.conf', 'utf8')
    .replace(/^port=.*$/m, `port=${port}\nbind_address="127.0.0.1"`)
    .replace(/^external_url=.*$/m, `external_url="${origin}/"`)
    .replace(/^log_mode=.*$/m, 'log_mode="console"')
    .replace(/^log_level=.*$/m, 'log_level="WARNING"')
    // DENY would keep the check_session iframe out of every frame, its own origin's included.
    .replace(/^add_x_frame_option_header_deny=.*$/m, 'add_x_frame_option_header_deny=false')
    .replace(/^@include .*$/m, `database = { type = "sqlite3" path = "${db}" };`)
    .replace(/^#?\s*static_files_path\s*=.*$/m, '')
    + `\nstatic_files_path="${webapp}/"\n`;
  writeFileSync(join(dir, 'glewlwyd.conf'), conf);
  const child = await spawnOp('Glewlwyd', 'glewlwyd', ['-c', join(dir, 'glewlwyd.conf'), '-m', 'console'], {
    ready: `${origin}/api/auth/scheme/`,
    log: join(dir, 'glewlwyd.log'),
  });
  try {
    await configure({ origin, issuer, redirectUris: [...redirectUris, sameOriginPage] });
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { issuer, sameOriginPage, close: () => child.stop() };
}

/** The admin API, logged in as the package's admin (admin/password). */
async function configure({ origin, issuer, redirectUris }) {
  const login = await fetch(`${origin}/api/auth/`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'password' }),
  });
  if (!login.ok) throw new Error(`Glewlwyd admin login: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const api = async (method, path, body) => {
    const r = await fetch(`${origin}/api${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    if (!r.ok) throw new Error(`Glewlwyd ${method} /api${path}: ${r.status} ${await r.text()}`);
  };
  // The openid scope asks for the password (the package's row does not).
  await api('PUT', '/scope/openid', { display_name: 'Open ID', description: 'Open ID Connect scope', password_required: true, password_max_age: 0, scheme: {} });
  // The client module declares `post_logout_redirect_uri` (one string) but the OIDC plugin reads
  // `post_logout_redirect_uris` (an array): without the array the OP drops the logout redirect.
  const clientModule = await (await fetch(`${origin}/api/mod/client/database`, { headers: { cookie } })).json();
  clientModule.parameters['data-format'].post_logout_redirect_uris = { multiple: true, read: true, write: true };
  await api('PUT', '/mod/client/database', clientModule);
  await api('PUT', '/mod/client/database/reset');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await api('POST', '/mod/plugin/', {
    module: 'oidc',
    name: 'oidc',
    display_name: 'OpenID Connect',
    enabled: true,
    parameters: {
      iss: issuer,
      'jwt-type': 'rsa',
      'jwt-key-size': '256',
      key: privateKey,
      cert: publicKey,
      'code-duration': 600,
      'refresh-token-duration': 1209600,
      'access-token-duration': 3600,
      'allow-non-oidc': false,
      'auth-type-code-enabled': true,
      'auth-type-token-enabled': true,
      'auth-type-id-token-enabled': true,
      'auth-type-none-enabled': false,
      'auth-type-password-enabled': false,
      'auth-type-client-enabled': false,
      'auth-type-refresh-enabled': true,
      'name-claim': 'mandatory',
      'email-claim': 'mandatory',
      'pkce-allowed': true,
      'session-management-allowed': true,
      'session-cookie-name': 'GLEWLWYD2_OIDC_SID',
      'session-cookie-expiration': 2419200,
      'front-channel-logout-allowed': true,
      'back-channel-logout-allowed': false,
    },
  });
  for (const user of GLEWLWYD_USERS) {
    await api('POST', '/user/', { ...user, password: `${user.username}-pw`, scope: ['openid'], enabled: true });
  }
  await api('POST', '/client/', {
    client_id: 'interop',
    name: 'aq-signin interop',
    enabled: true,
    confidential: false,
    token_endpoint_auth_method: ['none'],
    scope: ['openid'],
    redirect_uri: redirectUris,
    post_logout_redirect_uris: redirectUris,
    authorization_type: ['code', 'token', 'id_token', 'refresh_token'],
  });
}
