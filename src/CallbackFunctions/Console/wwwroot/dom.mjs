// Building the page without innerHTML: every value the API gives is text, never markup.

/** h('a', { href: '#/x', class: 'y' }, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces the children of `el` with `children`, keeping keyboard focus on the element with the same id if it is
 * still there (a poll redraws a list while someone tabs through it).
 */
export function replace(el, ...children) {
  const focusedId = el.contains(document.activeElement) ? document.activeElement.id : null;
  // A table scrolled sideways on a phone stays where it was.
  const scrolled = new Map([...el.querySelectorAll('.table-wrap')].map((w) => [w.getAttribute('aria-label'), w.scrollLeft]));
  el.replaceChildren();
  append(el, children);
  for (const w of el.querySelectorAll('.table-wrap')) w.scrollLeft = scrolled.get(w.getAttribute('aria-label')) ?? 0;
  if (focusedId) document.getElementById(focusedId)?.focus();
}

/** A table in a scrollable, focusable region (narrow screens scroll it, keyboards can too). */
export function table(label, headers, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, label),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

/** A live message region's text (role=status, or role=alert for errors). */
export function say(el, text, isError = false) {
  el.className = isError ? 'message error' : 'message';
  el.setAttribute('role', isError ? 'alert' : 'status');
  el.textContent = text;
}

/** An id safe in the DOM from any text. */
export const domId = (...parts) => parts.join('-').replace(/[^A-Za-z0-9_-]/g, '_');
