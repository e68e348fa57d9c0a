// Supervisor: find callbacks by the customer's number (any format a phone takes) or open one by id.
import { call } from '../api.mjs';
import { h, say, table, domId } from '../dom.mjs';
import { mask, when, statusText } from '../format.mjs';
import { field } from '../forms.mjs';

export function render(main, _, { signal, failed }) {
  const message = h('p', { class: 'message', role: 'status' });
  const results = h('div', { class: 'results' });
  const form = h('form', { class: 'card search', role: 'search', novalidate: true },
    field({ id: 'search-text', label: 'Number or callback id', name: 'q', hint: 'A phone number in any format (+1 415 555 0111) or an id (cb-…).',
      attrs: { autocomplete: 'off' } }),
    h('button', { type: 'submit' }, 'Find'));
  main.append(h('h1', {}, 'Find a callback'), form, message, results);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = form.elements.q.value.trim();
    if (!text) { say(message, 'Type a number or an id.', true); return; }
    if (/^cb-/i.test(text)) { location.hash = `#/callbacks/${encodeURIComponent(text)}`; return; }
    try {
      const answer = await call('GET', `/api/callbacks?caller=${encodeURIComponent(text)}&pageSize=100`, { signal });
      if (!answer.ok) { say(message, answer.message, true); results.replaceChildren(); return; }
      const items = answer.body.items;
      say(message, `${items.length} callback${items.length === 1 ? '' : 's'} for ${mask(items[0]?.caller ?? text)}.`);
      results.replaceChildren(table('Callbacks found', ['Callback', 'Customer', 'Status', 'Queue', 'Made'],
        items.map((c) => [h('a', { href: `#/callbacks/${encodeURIComponent(c.id)}`, id: domId('found', c.id) }, c.id), mask(c.caller),
          statusText(c.status), c.queue, when(c.createdAt)]), 'None found.'));
    } catch (err) { failed(err); }
  });
  form.elements.q.focus();
}
