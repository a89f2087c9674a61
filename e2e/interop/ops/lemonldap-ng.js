// LemonLDAP::NG (Debian `lemonldap-ng`) as an OpenID Provider: its portal alone under Plack, no
// Apache, from a private state folder (configuration, sessions, caches). Nothing in /etc or
// /var/lib is changed: the package's files are only read. Demo users: dwho/dwho, rtyler/rtyler.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnOp } from './process.js';

const PACKAGE_CONF = '/var/lib/lemonldap-ng/conf/lmConf-1.json';
const PORTAL = '/usr/share/lemonldap-ng/portal';

export const LLNG_PACKAGES = [
  'lemonldap-ng', 'libplack-perl',
  // Recommended or suggested by the package, but the portal answers 500 "Initialization failed"
  // with the default configuration until each is there (the OIDC issuer needs String::Random).
  'libgd-securityimage-perl', 'libimage-magick-perl', 'libstring-random-perl', 'libemail-sender-perl',
  'libdatetime-format-rfc3339-perl', 'libhttp-browserdetect-perl', 'libcrypt-openssl-bignum-perl',
  'libconvert-base32-perl', 'libio-string-perl', 'libipc-run-perl', 'libmime-tools-perl',
  'libnet-ldap-perl', 'libio-socket-timeout-perl', 'libunicode-string-perl', 'libauthen-webauthn-perl',
  'fonts-urw-base35',
];

export const llngAvailable = () => existsSync(PACKAGE_CONF) && existsSync('/usr/bin/plackup');

/**
 * Two public clients: `interop` requires PKCE (code flow); `interop-nopkce` does not, for implicit
 * and hybrid: LemonLDAP's "Require PKCE" also refuses implicit requests ("Code challenge is
 * required") and its hybrid branch does not store the code_challenge (the code exchange then
 * fails with invalid_grant), two OP bugs.
 * @param {{ port: number, dir: string, redirectUris: string[] }} options
 */
export async function startLemonLdap({ port, dir, redirectUris }) {
  const issuer = `http://localhost:${port}`;
  for (const sub of ['conf', 'sessions/lock', 'psessions/lock', 'cache', 'notifications']) mkdirSync(join(dir, sub), { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const rp = (clientId, pkce) => ({
    oidcRPMetaDataOptionsClientID: clientId,
    oidcRPMetaDataOptionsPublic: 1,
    oidcRPMetaDataOptionsRequirePKCE: pkce ? 1 : 0,
    oidcRPMetaDataOptionsIDTokenSignAlg: 'RS256',
    oidcRPMetaDataOptionsBypassConsent: 1,
    oidcRPMetaDataOptionsRedirectUris: redirectUris.join(' '),
    oidcRPMetaDataOptionsPostLogoutRedirectUris: redirectUris.join(' '),
    oidcRPMetaDataOptionsIDTokenExpiration: 3600,
    oidcRPMetaDataOptionsAccessTokenExpiration: 3600,
  });
  const claims = { email: 'mail', name: 'cn', family_name: 'sn' };
  const conf = {
    ...JSON.parse(readFileSync(PACKAGE_CONF, 'utf8')),
    cfgNum: 1,
    portal: `${issuer}/`,
    domain: 'localhost',
    securedCookie: 0,
    globalStorageOptions: { Directory: join(dir, 'sessions'), LockDirectory: join(dir, 'sessions/lock'), generateModule: 'Lemonldap::NG::Common::Apache::Session::Generate::SHA256' },
    persistentStorageOptions: { Directory: join(dir, 'psessions'), LockDirectory: join(dir, 'psessions/lock') },
    localSessionStorageOptions: { cache_root: join(dir, 'cache'), namespace: 'lemonldap-ng-sessions', default_expires_in: 600, directory_umask: '007', cache_depth: 3 },
    notificationStorageOptions: { dirName: join(dir, 'notifications') },
    issuerDBOpenIDConnectActivation: 1,
    oidcServiceMetaDataIssuer: issuer,
    oidcServicePrivateKeySig: privateKey,
    oidcServicePublicKeySig: publicKey,
    oidcServiceKeyIdSig: `llng-${Date.now().toString(36)}`,
    oidcServiceAllowAuthorizationCodeFlow: 1,
    oidcServiceAllowImplicitFlow: 1,
    oidcServiceAllowHybridFlow: 1,
    oidcRPMetaDataOptions: { interop: rp('interop', true), 'interop-nopkce': rp('interop-nopkce', false) },
    oidcRPMetaDataExportedVars: { interop: claims, 'interop-nopkce': claims },
  };
  writeFileSync(join(dir, 'conf/lmConf-1.json'), JSON.stringify(conf, null, 1));
  writeFileSync(join(dir, 'lemonldap-ng.ini'), `[all]
logLevel = warn
checkTime = 1
[configuration]
type = File
dirName = ${join(dir, 'conf')}
localStorage = Cache::FileCache
localStorageOptions = { 'namespace' => 'lemonldap-ng-config', 'default_expires_in' => 600, 'cache_root' => '${join(dir, 'cache')}', 'cache_depth' => 3 }
[portal]
staticPrefix = /static
templateDir = ${PORTAL}/templates
languages = en
`);
  // The portal plus its static files, as the package's Apache/nginx configurations serve them.
  writeFileSync(join(dir, 'app.psgi'), `use Plack::Builder;
use Plack::App::File;
use Lemonldap::NG::Portal::Main;
builder {
  mount '/static' => Plack::App::File->new(root => '${PORTAL}/htdocs/static')->to_app;
  mount '/javascript' => Plack::App::File->new(root => '/usr/share/javascript')->to_app;
  mount '/' => Lemonldap::NG::Portal::Main->run({});
};
`);
  const child = await spawnOp('LemonLDAP::NG', 'plackup', ['-s', 'HTTP::Server::PSGI', '--host', '127.0.0.1', '--port', String(port), join(dir, 'app.psgi')], {
    env: { ...process.env, LLNG_DEFAULTCONFFILE: join(dir, 'lemonldap-ng.ini') },
    ready: `${issuer}/.well-known/openid-configuration`,
    log: join(dir, 'lemonldap-ng.log'),
  });
  return { issuer, close: () => child.stop() };
}
