export interface Labels {
  signIn: string;
  signOut: string;
  busy: string;
}

// More languages arrive with the i18n work; English is the fallback for every missing one.
const LABELS: Record<string, Labels> = {
  en: { signIn: 'Sign in', signOut: 'Sign out', busy: 'Signing in…' },
};

/** Labels for the first language tag we know, from the most to the least specific source. */
export function labelsFor(languages: readonly (string | null | undefined)[]): Labels {
  for (const tag of languages) {
    const base = tag?.toLowerCase().split('-')[0];
    if (base && LABELS[base]) return LABELS[base];
  }
  return LABELS.en;
}
