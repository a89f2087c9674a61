// How the tests drive each third-party OP: its client, its users, its login and logout pages.
import type { BrowserContext, Page } from '@playwright/test';
import { loginAtOp as oidcProviderLogin } from '../fixtures';
import { PAGE, RP, world, type OpName } from './world';

export interface User {
  login: string;
  password: string;
  /** The `sub` the OP gives this user, when it is known in advance. */
  sub?: string;
  /** The signed-in button label (`sign-out-text` + the first of given_name, name, email). */
  label: string;
}

export interface Op {
  name: OpName;
  issuer: string;
  /** Why the OP does not run here (not installed), or undefined. */
  skip?: string;
  /** The test page for this OP (on the RP origin unless said otherwise). */
  page: string;
  scope: string;
  clientId(responseType: string): string;
  users: [User, User];
  /** Fills the OP's login (and consent) pages shown in `op`, a popup or the page itself. */
  login(op: Page, user: User): Promise<void>;
  /** Waits until `op` shows the OP's login page; resolves false if the popup closed first. */
  asksLogin(op: Page): Promise<boolean>;
  /** Ends the OP session from another tab of the same browser, as a user would. */
  logoutAtOp(context: BrowserContext): Promise<void>;
  /** On the OP's end-session page reached from RP-initiated logout: confirms, if the OP asks. */
  confirmEndSession(page: Page): Promise<void>;
}

const closes = (op: Page) => op.waitForEvent('close').then(() => false);
const shows = (op: Page, selector: string) => op.locator(selector).first().waitFor({ timeout: 15_000 }).then(() => true);

function oidcProvider9(issuer: string): Omit<Op, 'name' | 'skip'> {
  return {
    issuer,
    page: `${RP}${PAGE}`,
    scope: 'openid profile email',
    clientId: () => 'interop',
    users: [
      { login: 'alice', password: 'any', sub: 'alice', label: 'Sign out Alice' },
      { login: 'bob', password: 'any', sub: 'bob', label: 'Sign out Bob' },
    ],
    login: (op, user) => oidcProviderLogin(op, user.login),
    asksLogin: (op) => Promise.race([shows(op, 'input[name=login]'), closes(op)]),
    async logoutAtOp(context) {
      const op = await context.newPage();
      await op.goto(`${issuer}/session/end`);
      await op.locator('button[name=logout][value=yes]').click();
      await op.waitForURL(/\/session\/end\/success/);
      await op.close();
    },
    confirmEndSession: (page) => page.locator('button[name=logout][value=yes]').click(),
  };
}

function lemonLdap(issuer: string): Omit<Op, 'name' | 'skip'> {
  return {
    issuer,
    page: `${RP}${PAGE}`,
    scope: 'openid profile email',
    // "Require PKCE" refuses implicit requests and breaks hybrid ones (OP bugs): a client without it.
    clientId: (responseType) => (responseType === 'code' ? 'interop' : 'interop-nopkce'),
    users: [
      { login: 'dwho', password: 'dwho', sub: 'dwho', label: 'Sign out Doctor Who' },
      { login: 'rtyler', password: 'rtyler', sub: 'rtyler', label: 'Sign out Rose Tyler' },
    ],
    async login(op, user) {
      await op.locator('#userfield').fill(user.login);
      await op.locator('#passwordfield').fill(user.password);
      await op.locator('#lform button[type=submit]').click();
    },
    asksLogin: (op) => Promise.race([shows(op, '#userfield'), closes(op)]),
    async logoutAtOp(context) {
      const op = await context.newPage();
      await op.goto(`${issuer}/?logout=1`);
      await op.getByText('You have been disconnected').waitFor();
      await op.close();
    },
    // LemonLDAP asks "Do you want to log out?" when the RP sends the user to end_session.
    async confirmEndSession(page) {
      await Promise.race([
        page.locator('#form button[type=submit], form button[type=submit]').first().click(),
        page.waitForURL((u) => u.origin === RP),
      ]);
    },
  };
}

function glewlwyd(issuer: string): Omit<Op, 'name' | 'skip'> {
  const origin = new URL(issuer).origin;
  return {
    issuer,
    page: `${RP}${PAGE}`,
    scope: 'openid',
    clientId: () => 'interop',
    users: [
      { login: 'ivy', password: 'ivy-pw', label: 'Sign out Ivy Interop' },
      { login: 'jack', password: 'jack-pw', label: 'Sign out Jack Interop' },
    ],
    async login(op, user) {
      await op.getByPlaceholder('Your username').fill(user.login);
      await op.locator('input[type=password]').fill(user.password);
      await op.getByRole('button', { name: 'OK' }).click();
      // Then "Connection to <client>: Continue" (its consent step), unless the popup is already gone.
      const go = op.getByRole('button', { name: 'Continue' });
      if (await Promise.race([go.waitFor().then(() => true), closes(op), op.waitForURL((u) => u.origin !== origin).then(() => false)])) await go.click();
    },
    asksLogin: (op) => Promise.race([shows(op, 'input[placeholder="Your username"]'), closes(op)]),
    async logoutAtOp(context) {
      // Its own "Logout" (the session of the login page), as a user at the OP would.
      const r = await context.request.delete(`${origin}/api/auth/`);
      if (!r.ok()) throw new Error(`Glewlwyd logout: ${r.status()}`);
    },
    async confirmEndSession(page) {
      await Promise.race([
        page.getByRole('button', { name: /Logout|Sign out|OK/ }).first().click(),
        page.waitForURL((u) => u.origin === RP),
      ]);
    },
  };
}

export function ops(): Op[] {
  const { ops: found } = world();
  const make = { 'oidc-provider-9': oidcProvider9, lemonldap: lemonLdap, glewlwyd } as const;
  return (Object.keys(make) as OpName[]).map((name) => {
    const state = found[name] ?? { skip: `${name}: not started` };
    return { name, skip: state.skip, ...make[name](state.issuer ?? 'http://localhost:1') };
  });
}
