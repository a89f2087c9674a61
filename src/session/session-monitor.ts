import { AqError } from '../errors.js';
import { hiddenFrame, onFrameRefused } from './hidden-frame.js';

export interface SessionMonitorOptions {
  /** The OP's `check_session_iframe` from discovery. */
  checkSessionIframe: string;
  clientId: string;
  sessionState: string;
  /** Milliseconds between checks while the page is visible. */
  interval: number;
  /**
   * The OP says the session changed. The monitor pauses until the promise settles; resolve with
   * the new `session_state` to go on watching, or with null to stop (the user is gone).
   */
  onChanged: () => Promise<string | null>;
  /** The OP's iframe answered "error", never answered, or could not load. The monitor has stopped. */
  onUnavailable: (error: AqError) => void;
}

/** How long the OP's iframe may take to answer a check before the monitor gives up. */
const ANSWER_TIMEOUT_MS = 5000;
/**
 * The longest pause between checks when the OP keeps saying "changed" about the same user: each
 * pause is also how late a real sign-out there is noticed, so a short one (two hidden sign-ins a
 * minute instead of one per check).
 */
const MAX_BACKOFF_MS = 30_000;

/**
 * The RP side of OIDC Session Management 1.0 §3: a hidden iframe loads the OP's
 * check_session_iframe, and every `interval` the RP posts "<client_id> <session_state>" to it.
 * Nothing is posted while the page is hidden; on becoming visible it checks at once.
 */
export class SessionMonitor {
  #o: SessionMonitorOptions;
  #origin: string;
  #iframe?: HTMLIFrameElement;
  #timer?: ReturnType<typeof setInterval>;
  #answerTimer?: ReturnType<typeof setTimeout>;
  #busy = false;
  #stopped = false;
  /** "changed" answers in a row after which the re-check found the same user. */
  #sameUserChanges = 0;
  #quietUntil = 0;
  #unwatchCsp = () => {};
  #onMessage = (e: MessageEvent) => this.#answer(e);
  #onVisibility = () => {
    if (!document.hidden) this.check();
  };

  constructor(options: SessionMonitorOptions) {
    this.#o = options;
    this.#origin = new URL(options.checkSessionIframe).origin;
  }

  start(): void {
    if (this.#iframe || this.#stopped) return;
    window.addEventListener('message', this.#onMessage);
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#unwatchCsp = onFrameRefused([this.#origin], (why) => this.#unavailable(why));
    const iframe = hiddenFrame(this.#o.checkSessionIframe, 'session check');
    iframe.addEventListener('load', () => this.check(), { once: true });
    iframe.addEventListener('error', () => this.#unavailable(`the check_session_iframe at ${this.#o.checkSessionIframe} did not load`), { once: true });
    this.#iframe = iframe;
    this.#timer = setInterval(() => this.check(), this.#o.interval);
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#answerTimer);
    window.removeEventListener('message', this.#onMessage);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#unwatchCsp();
    this.#iframe?.remove();
    this.#iframe = undefined;
  }

  /** Posts one check now, unless the page is hidden or a check is already under way. */
  check(): void {
    const target = this.#iframe?.contentWindow;
    if (this.#stopped || this.#busy || !target || document.hidden || Date.now() < this.#quietUntil) return;
    this.#busy = true;
    this.#answerTimer = setTimeout(() => this.#unavailable(`the OP's session iframe did not answer within ${ANSWER_TIMEOUT_MS} ms (the OP may refuse to be framed: X-Frame-Options or CSP frame-ancestors)`), ANSWER_TIMEOUT_MS);
    target.postMessage(`${this.#o.clientId} ${this.#o.sessionState}`, this.#origin);
  }

  #answer(e: MessageEvent): void {
    // Only the OP's origin and only our iframe: another frame of the OP's origin (or any page)
    // posting "changed" must not sign the user out.
    if (e.origin !== this.#origin || e.source !== this.#iframe?.contentWindow || !this.#busy) return;
    clearTimeout(this.#answerTimer);
    if (e.data === 'unchanged') {
      this.#busy = false;
      this.#sameUserChanges = 0;
    } else if (e.data === 'changed') {
      this.#o.onChanged().then(
        (sessionState) => {
          if (sessionState === null) return this.stop();
          this.#o.sessionState = sessionState;
          this.#busy = false;
          // Some OPs answer "changed" at every check (LemonLDAP::NG's iframe does), and each
          // costs a hidden prompt=none sign-in: back off, doubling, until "unchanged" comes again.
          this.#sameUserChanges++;
          this.#quietUntil = Date.now() + Math.min(this.#o.interval * 2 ** this.#sameUserChanges, MAX_BACKOFF_MS);
        },
        () => this.stop(),
      );
    } else {
      // "error" (OIDC Session Management §3.2): the OP cannot tell. Never a false sign-out.
      this.#unavailable(`the OP's session iframe answered ${JSON.stringify(e.data)}`);
    }
  }

  #unavailable(why: string): void {
    if (this.#stopped) return;
    this.stop();
    this.#o.onUnavailable(new AqError('AQ_SESSION_CHECK_UNAVAILABLE', `session monitoring stopped: ${why}; the user stays signed in`));
  }
}
