/**
 * A hidden iframe in the page: the OP's session iframe and the silent prompt=none re-check.
 * The hidden attribute, not a style attribute: a strict style-src CSP refuses inline styles.
 */
export function hiddenFrame(src: string, title: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = title;
  frame.setAttribute('aria-hidden', 'true');
  frame.src = src;
  document.body.append(frame);
  return frame;
}

/**
 * Calls `refused` with what to fix when this page's Content-Security-Policy keeps a frame from
 * loading a page of one of `origins`. The frame then shows an error page that never answers, so
 * without this a caller could only time out, and say nothing useful. Returns the unsubscribe.
 */
export function onFrameRefused(origins: string[], refused: (why: string) => void): () => void {
  const listener = (e: SecurityPolicyViolationEvent) => {
    // A URL of that origin, or the origin alone (how a cross-origin URL may be reported).
    const origin = origins.find((o) => e.blockedURI === o || e.blockedURI.startsWith(`${o}/`));
    // A report-only policy blocks nothing: the frame loads, and answers.
    if (!origin || e.disposition !== 'enforce' || !/^(frame|child)-src$/.test(e.effectiveDirective)) return;
    const source = origin === location.origin ? "'self'" : origin;
    refused(`this page's Content-Security-Policy refused to load ${origin} in a frame; add ${source} to its frame-src`);
  };
  document.addEventListener('securitypolicyviolation', listener);
  return () => document.removeEventListener('securitypolicyviolation', listener);
}
