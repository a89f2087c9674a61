// One row per theme, one column per size; session-interval 0 and a made-up issuer: looks only.
const rows = document.getElementById('rows');
for (const theme of ['basic', 'orange', 'grey', 'white', 'none']) {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.textContent = theme;
  tr.append(th);
  for (const size of ['small', 'medium', 'large']) {
    const td = document.createElement('td');
    const el = document.createElement('aq-signin');
    el.setAttribute('issuer', 'https://op.invalid');
    el.setAttribute('client-id', 'docs');
    el.setAttribute('theme', theme);
    el.setAttribute('size', size);
    td.append(el);
    tr.append(td);
  }
  rows.append(tr);
}
