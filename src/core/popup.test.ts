// The verdict on `popup.closed` alone; the browser side (COOP severing a real popup) is e2e/coop.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { POPUP_DEADLINE_MS, popupClosed } from './popup.js';

/** A popup as the opener sees it: `closed`, and a location that throws once another origin's page shows. */
function fakePopup(at: 'blank' | 'other-origin' | 'ours') {
  const popup = {
    closed: false,
    get location() {
      if (at === 'other-origin') throw new DOMException('Blocked a frame with origin', 'SecurityError');
      return { href: at === 'blank' ? 'about:blank' : 'https://app.example/cb' };
    },
  };
  return popup as unknown as Window & { closed: boolean };
}

afterEach(() => vi.useRealTimers());

describe('popupClosed', () => {
  it('open: no verdict', () => {
    expect(popupClosed(fakePopup('other-origin'))()).toBeUndefined();
  });

  it.each(['other-origin', 'ours'] as const)('seen open on a page (%s) at two checks, then closed: AQ_POPUP_CLOSED at once', (at) => {
    const popup = fakePopup(at);
    const gone = popupClosed(popup);
    expect(gone()).toBeUndefined();
    expect(gone()).toBeUndefined();
    popup.closed = true;
    expect(gone()?.code).toBe('AQ_POPUP_CLOSED');
  });

  it('seen on another origin\'s page at one check only, then closed (a COOP severance reaching this page late): waited for', () => {
    const popup = fakePopup('other-origin');
    const gone = popupClosed(popup);
    expect(gone()).toBeUndefined();
    popup.closed = true;
    expect(gone()).toBeUndefined();
  });

  it('closed while still on its initial about:blank (COOP may have severed it): waited for until the deadline', () => {
    vi.useFakeTimers();
    const popup = fakePopup('blank');
    const gone = popupClosed(popup);
    expect(gone()).toBeUndefined();
    popup.closed = true;
    expect(gone()).toBeUndefined();
    vi.advanceTimersByTime(POPUP_DEADLINE_MS - 1000);
    expect(gone()).toBeUndefined();
    vi.advanceTimersByTime(2000);
    expect(gone()?.message).toContain('10 minutes');
  });
});
