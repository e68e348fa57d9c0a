// Supervisor: the contacts (the people the contact center calls back), found by number or listed by id; add, edit
// or remove one (PUT/DELETE /api/contacts/{id}), with the API's refusals next to each field.
import { call } from '../api.mjs';
import { h, say, table, domId } from '../dom.mjs';
import { mask } from '../format.mjs';
import { field, showErrors, clearErrors, summaryBox } from '../forms.mjs';

const TYPES = [['lead', 'Lead'], ['customer', 'Customer'], ['previousCustomer', 'Previous customer'], ['unknown', 'Unknown (alone)']];

export function render(main, _, { signal, failed }) {
  const message = h('p', { class: 'message', role: 'status' });
  const editor = h('div', {});
  const list = h('div', {}, h('p', { class: 'message' }, 'Loading the contacts…'));
  const find = h('form', { class: 'card search', role: 'search', novalidate: true },
    field({ id: 'contact-number', label: 'Find by number', name: 'number', type: 'tel', hint: 'Any format a phone takes; empty lists them all.' }),
    h('button', { type: 'submit' }, 'Find'));
  const addButton = h('button', { type: 'button', id: 'add-contact', onclick: () => edit(null) }, 'Add a contact');
  main.append(h('h1', {}, 'Contacts'), find, h('div', { class: 'actions' }, addButton), message, editor, list);

  let pendingDelete = null;
  const load = async () => {
    const number = find.elements.number.value.trim();
    const answer = await call('GET', number ? `/api/contacts?number=${encodeURIComponent(number)}` : '/api/contacts?pageSize=200', { signal });
    if (!answer.ok) { say(message, answer.message, true); return; }
    const items = answer.body.items;
    list.replaceChildren(table('Contacts', ['Id', 'Name', 'Numbers', 'Types', 'Campaign', 'Owner', 'Status', 'Actions'],
      items.map((c) => [c.id, c.name ?? '—', c.numbers.map(mask).join(', '), c.types.join(', '), c.campaign ?? '—', c.ownershipCode ?? '—', c.status,
        h('span', { class: 'row-actions' },
          h('button', { type: 'button', id: domId('edit-contact', c.id), 'aria-label': `Edit ${c.id}`, onclick: () => edit(c) }, 'Edit'),
          h('button', { type: 'button', class: 'danger', id: domId('delete-contact', c.id), 'aria-label': `Delete ${c.id}`, onclick: async (e) => {
            if (pendingDelete !== c.id) { pendingDelete = c.id; e.currentTarget.textContent = 'Press again to delete'; return; }
            pendingDelete = null;
            const gone = await call('DELETE', `/api/contacts/${encodeURIComponent(c.id)}`, { signal });
            say(message, gone.ok ? `Deleted ${c.id}.` : gone.message, !gone.ok);
            await load();
            addButton.focus();
          } }, 'Delete'))]),
      number ? 'No contact holds that number.' : 'No contact yet.'));
  };
  find.addEventListener('submit', (e) => { e.preventDefault(); load().catch(failed); });

  const edit = (contact) => {
    const f = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'contact-form-title' },
      h('h2', { id: 'contact-form-title' }, contact ? `Edit ${contact.id}` : 'Add a contact'),
      summaryBox(),
      field({ id: 'contact-id', label: 'Id', name: 'id', value: contact?.id, hint: 'Letters, digits, _ . - (at most 64).', attrs: contact ? { readonly: true } : {} }),
      field({ id: 'contact-name', label: 'Name', name: 'name', value: contact?.name, hint: 'Empty: none.' }),
      field({ id: 'contact-numbers', label: 'Numbers', name: 'numbers', value: contact?.numbers.join(', '), hint: 'Comma-separated, 1 to 10.' }),
      h('fieldset', { 'data-field': 'types', id: 'contact-types', tabindex: '-1' }, h('legend', {}, 'Types'),
        TYPES.map(([v, t]) => h('div', { class: 'check' },
          h('input', { type: 'checkbox', id: `contact-type-${v}`, name: 'types', value: v, checked: contact?.types.includes(v) ?? false }),
          h('label', { for: `contact-type-${v}` }, t)))),
      field({ id: 'contact-campaign', label: 'Campaign', name: 'campaign', value: contact?.campaign, hint: 'Only agents with it call them back. Empty: none.' }),
      field({ id: 'contact-owner', label: 'Ownership code', name: 'ownershipCode', value: contact?.ownershipCode, hint: 'A private owner\'s code. Empty: a common contact.' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save'),
        h('button', { type: 'button', class: 'secondary', onclick: () => { editor.replaceChildren(); addButton.focus(); } }, 'Cancel')));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const id = f.elements.id.value.trim();
      const text = (name) => f.elements[name].value.trim() || null;
      const body = {
        name: text('name'), numbers: f.elements.numbers.value.split(',').map((n) => n.trim()).filter(Boolean),
        types: [...f.querySelectorAll('input[name="types"]:checked')].map((i) => i.value), campaign: text('campaign'), ownershipCode: text('ownershipCode'),
      };
      try {
        const answer = await call('PUT', `/api/contacts/${encodeURIComponent(id || '-')}`, { body, signal });
        if (answer.ok) { say(message, `Saved ${answer.body.id}.`); editor.replaceChildren(); await load(); addButton.focus(); return; }
        showErrors(f, id ? answer.errors : { ...answer.errors, id: ['an id is required'] }, `Not saved: ${answer.message}`);
      } catch (err) { failed(err); }
    });
    editor.replaceChildren(f);
    f.querySelector(contact ? '#contact-name' : '#contact-id').focus();
  };
  load().catch(failed);
}
