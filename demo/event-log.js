// One line per event in the demo pages' log, written as text (claims and messages come from outside).
export function logEvent(log, type, text) {
  const now = new Date();
  const time = document.createElement('time');
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  const name = document.createElement('code');
  name.textContent = type;
  const li = document.createElement('li');
  li.className = type;
  li.append(time, ' ', name, ' ', text);
  log.append(li);
}
