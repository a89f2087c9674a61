// The profile card of the demo pages: avatar, name, verified email and phone badges,
// Authentiq's aq:location as text, and the raw claims behind a toggle. Claims come from the OP:
// written with textContent and attributes, never as HTML.

const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

function initials(profile) {
  const name = String(profile.name ?? profile.preferred_username ?? profile.email ?? profile.sub ?? '?');
  return name.split(/[\s.@_-]+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}

function avatar(profile) {
  // Only an https picture (or one from this page's origin): a claim must not make the page fetch
  // whatever URL it names over http.
  if (typeof profile.picture === 'string' && /^https:\/\//.test(profile.picture)) {
    const img = el('img', 'avatar');
    img.src = profile.picture;
    img.alt = '';
    return img;
  }
  const span = el('span', 'avatar', initials(profile));
  span.setAttribute('aria-hidden', 'true');
  return span;
}

function row(label, value, verified) {
  const dt = el('dt', '', label);
  const dd = el('dd', '', String(value));
  if (verified !== undefined) dd.append(' ', el('span', verified ? 'badge verified' : 'badge', verified ? 'verified' : 'not verified'));
  return [dt, dd];
}

function locationText(location) {
  if (!location || typeof location !== 'object') return undefined;
  const formatted = location.address?.formatted;
  const coords = typeof location.latitude === 'number' && typeof location.longitude === 'number'
    ? `${location.latitude.toFixed(4)}, ${location.longitude.toFixed(4)}` : '';
  return [formatted, coords && `(${coords})`].filter(Boolean).join(' ') || undefined;
}

/** Shows `profile` (claims) in `card`, or the signed-out state when it is null. */
export function renderProfile(card, profile) {
  card.replaceChildren();
  card.classList.toggle('empty', !profile);
  if (!profile) {
    card.append(el('p', 'muted', 'Not signed in. Click Sign in: any user name and password work at the dev OP.'));
    return;
  }
  const head = el('div', 'who');
  const names = el('div');
  names.append(el('strong', 'name', String(profile.name ?? profile.preferred_username ?? profile.sub)), el('span', 'muted sub', `sub ${profile.sub}`));
  head.append(avatar(profile), names);

  const facts = el('dl', 'facts');
  if (profile.email) facts.append(...row('Email', profile.email, profile.email_verified === true));
  if (profile.phone_number) facts.append(...row('Phone', profile.phone_number, profile.phone_number_verified === true));
  const where = locationText(profile['aq:location']);
  if (where) facts.append(...row('Location', where));
  if (profile.locale || profile.zoneinfo) facts.append(...row('Locale', [profile.locale, profile.zoneinfo].filter(Boolean).join(' · ')));

  const raw = el('details', 'raw');
  raw.append(el('summary', '', 'Raw claims (JSON)'), el('pre', '', JSON.stringify(profile, null, 2)));
  card.append(head, facts, raw);
}
