// Development-only recipes for oidc-provider (6.x and 9.x alike), shared by the dev OP and the
// interop suite's oidc-provider 9. Never for a production OP.

/**
 * Constructs a provider with its development notices (dev interactions, in-memory adapter, Node
 * version) muted: construction is synchronous, so exactly that span is muted.
 * @template T
 * @param {() => T} construct
 * @param {boolean} [quiet]
 * @returns {T}
 */
export function constructQuietly(construct, quiet = true) {
  const { warn, info } = console;
  if (quiet) console.warn = console.info = () => {};
  try {
    return construct();
  } finally {
    Object.assign(console, { warn, info });
  }
}

/**
 * Implicit and hybrid web clients with http/localhost redirect URIs are refused
 * (`implicit-force-https`, `implicit-forbid-localhost`): the OP's documented development recipe
 * ignores exactly these two checks. Static clients are validated lazily, so patching the
 * provider's own Schema class after construction is in time.
 * @param {{ Client: { Schema: { prototype: { invalidate: (message: string, code: string) => void } } } }} provider
 */
export function allowImplicitOnLocalhost(provider) {
  const { invalidate } = provider.Client.Schema.prototype;
  provider.Client.Schema.prototype.invalidate = function (message, code) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    invalidate.call(this, message, code);
  };
}
