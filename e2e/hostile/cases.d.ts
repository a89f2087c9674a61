/** The subject the hostile OP signs in for a case. */
export function subjectOf(name: string): string;
