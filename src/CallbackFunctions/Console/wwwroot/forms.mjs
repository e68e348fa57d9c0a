// The API's problem+json field errors, shown next to the field they name.
import { h } from './dom.mjs';

/**
 * Clears the form's errors, then puts each of `errors` ({"intervals[0]": ["must be ..."]}) next to its field: the
 * element whose data-field is the error's path, or the nearest ancestor path ("schedule.weekdays.open" →
 * "schedule.weekdays" → "schedule"). What names no field goes to the form's summary with its path. Focuses the
 * first field in error, so a keyboard user lands where the fix is.
 */
export function showErrors(form, errors, summaryText) {
  clearErrors(form);
  const summary = form.querySelector('.form-summary');
  const unplaced = [];
  let first = null;
  for (const [path, messages] of Object.entries(errors || {})) {
    const field = fieldFor(form, path);
    const text = messages.join(' ');
    if (!field) { unplaced.push(`${path}: ${text}`); continue; }
    const id = `${field.id}-error`;
    let note = document.getElementById(id);
    if (!note) {
      note = h('p', { class: 'field-error', id });
      field.closest('.field')?.append(note) ?? field.after(note);
    }
    note.textContent = note.textContent ? `${note.textContent} ${label(path, field)}${text}` : `${label(path, field)}${text}`;
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', [field.dataset.hint, id].filter(Boolean).join(' '));
    first ??= field;
  }
  if (summary) {
    const lines = [summaryText, ...unplaced].filter(Boolean);
    summary.replaceChildren(...lines.map((l) => h('p', {}, l)));
    summary.hidden = lines.length === 0;
  }
  (first ?? summary)?.focus();
}

export function clearErrors(form) {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const field of form.querySelectorAll('[aria-invalid]')) {
    field.removeAttribute('aria-invalid');
    if (field.dataset.hint) field.setAttribute('aria-describedby', field.dataset.hint); else field.removeAttribute('aria-describedby');
  }
  const summary = form.querySelector('.form-summary');
  if (summary) { summary.replaceChildren(); summary.hidden = true; }
}

function fieldFor(form, path) {
  let p = path.replace(/^\$\.?/, '');
  // camelCase the first letter as the API's JSON does ("Intervals[0]" → "intervals[0]").
  while (p) {
    const candidates = [p, p.charAt(0).toLowerCase() + p.slice(1)];
    for (const c of candidates) {
      const field = [...form.querySelectorAll('[data-field]')].find((f) => f.dataset.field.toLowerCase() === c.toLowerCase());
      if (field) return field;
    }
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return null;
}

/** "intervals[1]: " when the error is about one element of a list field, so the user knows which. */
function label(path, field) {
  const rest = path.replace(/^\$\.?/, '').slice(field.dataset.field.length);
  return rest && /^\[\d+\]/.test(rest) ? `Item ${+rest.match(/\[(\d+)\]/)[1] + 1}: ` : '';
}

/** A labelled input in a .field wrapper. `hint` adds a description the input points to. */
export function field({ id, label: text, name, value = '', type = 'text', hint, required, attrs = {} }) {
  const hintId = hint ? `${id}-hint` : null;
  const input = type === 'textarea'
    ? h('textarea', { id, name, dataset: { field: name, ...(hintId ? { hint: hintId } : {}) }, 'aria-describedby': hintId, required, ...attrs }, value ?? '')
    : h('input', { id, name, type, value: value ?? '', dataset: { field: name, ...(hintId ? { hint: hintId } : {}) }, 'aria-describedby': hintId, required, ...attrs });
  return h('div', { class: 'field' }, h('label', { for: id }, text), hint ? h('p', { class: 'hint', id: hintId }, hint) : null, input);
}

export function checkbox({ id, label: text, name, checked }) {
  return h('div', { class: 'field check' },
    h('input', { id, name, type: 'checkbox', checked: !!checked, dataset: { field: name } }), h('label', { for: id }, text));
}

export function select({ id, label: text, name, value, options, hint }) {
  const hintId = hint ? `${id}-hint` : null;
  return h('div', { class: 'field' }, h('label', { for: id }, text), hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('select', { id, name, dataset: { field: name, ...(hintId ? { hint: hintId } : {}) }, 'aria-describedby': hintId },
      options.map(([v, t]) => h('option', { value: v, selected: v === value }, t))));
}

export const summaryBox = () => h('div', { class: 'form-summary', role: 'alert', tabindex: '-1', hidden: true });
