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
