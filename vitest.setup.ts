import nodeConsole from 'node:console';

// Quiet what the unit run would print on every pass, and nothing else (issue 17, item 7).

// Lit's development build (Vite resolves the "development" export condition in tests) announces
// itself once per test file. The build is wanted here, for its other checks and warnings; only
// this announcement is marked as already given, in the set Lit keeps its issued warnings in.
((globalThis as { litIssuedWarnings?: Set<string> }).litIssuedWarnings ??= new Set()).add('dev-mode');

// happy-dom never loads a frame's page (frames are e2e's job, in real Chromium): when the session
// monitor appends its check_session frame, happy-dom logs a NotSupportedError stack that says so
// and fires the frame's `error`. Only that expected notice is dropped; any other error still prints.
// happy-dom writes to the process's own console (node:console), not to the one vitest puts in
// the test's globalThis.
const { error } = nodeConsole;
nodeConsole.error = (...args: unknown[]) => {
  const [first] = args;
  if (first instanceof Error && first.name === 'NotSupportedError' && first.message.endsWith('Iframe page loading is disabled.')) return;
  error.apply(nodeConsole, args);
};
