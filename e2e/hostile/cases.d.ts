/** The subject the hostile OP signs in for a case. */
export function subjectOf(name: string): string;
/** What the hostile OP does per case; the spec reads only which response type a case asks for. */
export const CASES: Record<string, { responseType?: string }>;
