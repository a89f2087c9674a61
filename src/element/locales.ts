export interface Labels {
  signIn: string;
  signOut: string;
  busy: string;
  failed: string;
}

// Built-in languages; anything else falls back to English. Pages can override each label by
// attribute (sign-in-text, sign-out-text).
const LABELS: Record<string, Labels> = {
  en: { signIn: 'Sign in', signOut: 'Sign out', busy: 'Signing in…', failed: 'Sign-in failed' },
  de: { signIn: 'Anmelden', signOut: 'Abmelden', busy: 'Anmeldung läuft…', failed: 'Anmeldung fehlgeschlagen' },
  fr: { signIn: 'Se connecter', signOut: 'Se déconnecter', busy: 'Connexion en cours…', failed: 'Échec de la connexion' },
  nl: { signIn: 'Inloggen', signOut: 'Uitloggen', busy: 'Bezig met inloggen…', failed: 'Inloggen mislukt' },
  es: { signIn: 'Iniciar sesión', signOut: 'Cerrar sesión', busy: 'Iniciando sesión…', failed: 'Error al iniciar sesión' },
  pt: { signIn: 'Entrar', signOut: 'Sair', busy: 'Entrando…', failed: 'Falha ao entrar' },
};

/** Labels for the first language tag we know, from the most to the least specific source. */
export function labelsFor(languages: readonly (string | null | undefined)[]): Labels {
  for (const tag of languages) {
    const base = tag?.toLowerCase().split(/[-_]/)[0];
    if (base && LABELS[base]) return LABELS[base];
  }
  return LABELS.en;
}
