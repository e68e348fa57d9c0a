// Supervisor: the two callback rules, every field, saved with PUT /api/rules/{kind}. A refusal saves nothing and
// puts the API's own words next to each field it names.
import { call } from '../api.mjs';
import { h, say, table } from '../dom.mjs';
import { field, checkbox, select, showErrors, clearErrors, summaryBox } from '../forms.mjs';
import { when } from '../format.mjs';

const KINDS = [['contact-center', 'Contact center'], ['scenario', 'Scenario (IVR)']];
const OUTCOMES = [['busy', 'Busy'], ['noAnswer', 'No answer'], ['machine', 'Answering machine'], ['failed', 'Failed'], ['agentNotReached', 'Agent not reached']];
const WHISPER = [['name', 'The contact\'s name'], ['type', 'Their type (lead, customer, ...)'], ['location', 'The dialled number\'s location and ad source'],
  ['queue', 'The queue'], ['comment', 'An agent\'s comment']];
const VOICEMAIL = [['off', 'Off (no detection)'], ['counts-as-reached', 'Counts as reached'], ['counts-as-not-answered', 'Counts as not answered']];

export function render(main, [kindName], { signal, failed }) {
  const kind = KINDS.some(([k]) => k === kindName) ? kindName : 'contact-center';
  const versions = h('div', { class: 'versions' });
  const holder = h('div', {}, h('p', { class: 'message' }, 'Loading the rule…'));
  const history = h('section', { class: 'card', 'aria-labelledby': 'rule-history' });
  main.append(h('h1', {}, 'Callback rules'),
    h('nav', { 'aria-label': 'Rules', class: 'tabs' }, h('ul', {}, KINDS.map(([k, t]) =>
      h('li', {}, h('a', { href: `#/rules/${k}`, 'aria-current': k === kind ? 'page' : null }, t))))),
    versions, holder, history);
  const load = async () => {
    const all = await call('GET', '/api/rules', { signal });
    if (!all.ok) { say(holder, all.message, true); return; }
    versions.replaceChildren(table('Rule versions', ['Rule', 'Version', 'On'],
      all.body.map((r) => [KINDS.find(([k]) => k === r.kind)?.[1] ?? r.kind, String(r.version), r.enabled ? 'yes' : 'no']), ''));
    const rule = all.body.find((r) => r.kind === kind);
    holder.replaceChildren(form(rule, signal, failed, load));
    // Every saved version of this rule, newest first (GET /api/rules/{kind}/versions).
    const saved = await call('GET', `/api/rules/${kind}/versions`, { signal });
    history.replaceChildren(h('h2', { id: 'rule-history' }, 'Saved versions'), saved.ok
      ? table('Saved versions', ['Version', 'Saved', 'On', 'Intervals', 'Queue', 'Caller ID'],
        saved.body.items.map((v) => [String(v.version), when(v.savedAt), v.rule.enabled ? 'yes' : 'no', v.rule.intervals.join(', '),
          v.rule.queue ?? '—', v.rule.callerId ?? '—']), 'Never saved: the rule is on its defaults (version 0).')
      : h('p', { class: 'message error', role: 'alert' }, saved.message));
  };
  load().catch(failed);
}

function form(rule, signal, failed, reload) {
  const id = (name) => `rule-${name.replace(/[^A-Za-z0-9]/g, '-')}`;
  const text = (name, label, value, hint) => field({ id: id(name), label, name, value, hint });
  const prompt = (name, label, p) => h('fieldset', {}, h('legend', {}, label),
    text(`${name}.text`, 'Spoken text', p?.text, 'Text to speech; or an audio URL below, not both. Empty: none.'),
    text(`${name}.language`, 'Language', p?.language, 'A tag like en-US (with text only).'),
    text(`${name}.voice`, 'Voice', p?.voice, 'man, woman, Polly.<name> or Google.<name> (with text only).'),
    text(`${name}.audioUrl`, 'Audio URL', p?.audioUrl, 'An absolute http(s) URL Twilio can fetch.'));
  const message = h('p', { class: 'message', role: 'status' });
  const f = h('form', { class: 'card rule', novalidate: true, 'aria-label': `Rule ${rule.kind}` },
    summaryBox(),
    h('p', {}, `Version ${rule.version}. Saving makes version ${rule.version + 1}; a refused save changes nothing.`),
    checkbox({ id: id('enabled'), label: 'On: this rule makes callbacks', name: 'enabled', checked: rule.enabled }),
    text('intervals', 'Dialling intervals', rule.intervals.join(', '), 'One per attempt, comma-separated, hh:mm:ss (the first from the missed call).'),
    text('customerRingTimeout', 'Customer ring time', rule.customerRingTimeout, 'hh:mm:ss, 5 to 600 seconds.'),
    text('callerId', 'Caller ID', rule.callerId, 'E.164, presented when the number the customer called is not ours. Empty: none.'),
    text('queue', 'Queue', rule.queue, 'Scenario: the queue its callbacks go to. Contact center: used with "forward to queue".'),
    checkbox({ id: id('forwardToQueue'), label: 'Forward to the queue above (contact center)', name: 'forwardToQueue', checked: rule.forwardToQueue }),
    text('timeZone', 'Time zone', rule.timeZone, 'IANA id (America/Chicago) when the customer\'s number does not tell. Empty: none.'),
    h('fieldset', { 'data-field': 'schedule' }, h('legend', {}, 'When callbacks may ring (00:00 to 00:00: always; empty: never)'),
      text('schedule.weekdays.open', 'Weekdays open', rule.schedule.weekdays?.open), text('schedule.weekdays.close', 'Weekdays close', rule.schedule.weekdays?.close),
      text('schedule.weekend.open', 'Weekend open', rule.schedule.weekend?.open), text('schedule.weekend.close', 'Weekend close', rule.schedule.weekend?.close)),
    prompt('agentPrompt', 'Agent prompt (played before the whisper)', rule.agentPrompt),
    h('fieldset', {}, h('legend', {}, 'Recording'),
      checkbox({ id: id('recording.enabled'), label: 'Record the callback call', name: 'recording.enabled', checked: rule.recording.enabled }),
      text('recording.storagePeriod', 'Storage period', rule.recording.storagePeriod, 'd.hh:mm:ss, or a number of days.'),
      prompt('recording.customerNotification', 'Recording notice to the customer', rule.recording.customerNotification)),
    select({ id: id('voicemail'), label: 'Voicemail', name: 'voicemail', value: rule.voicemail, options: VOICEMAIL }),
    h('fieldset', {}, h('legend', {}, 'Outcomes with their own intervals (empty: they share the intervals above)'),
      OUTCOMES.map(([k, t]) => text(`retries.${k}`, t, (rule.retries?.[k] ?? []).join(', ')))),
    text('minimumConnection', 'Minimum connection', rule.minimumConnection, 'A customer leg connected for less counts as not reached (00:00:00: off).'),
    h('fieldset', { 'data-field': 'whisper' }, h('legend', {}, 'What the whisper says before the agent chooses (the number always)'),
      WHISPER.map(([k, t]) => checkbox({ id: id(`whisper.${k}`), label: t, name: `whisper.${k}`, checked: rule.whisper?.[k] ?? true }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-rule' }, 'Save the rule')),
    message);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    say(message, 'Saving…');
    try {
      const answer = await call('PUT', `/api/rules/${rule.kind}`, { body: bodyOf(f), signal });
      if (answer.ok) {
        await reload();
        const saved = document.querySelector('.rule .message');
        if (saved) say(saved, `Saved: version ${answer.body.version}.${answer.body.warnings?.length ? ' ' + answer.body.warnings.join(' ') : ''}`);
        return;
      }
      say(message, `Not saved. ${answer.message}`, true);
      showErrors(f, answer.errors, `Not saved: ${answer.message}`);
    } catch (err) { failed(err); }
  });
  return f;
}

function bodyOf(f) {
  const v = (name) => f.querySelector(`[data-field="${name}"]`)?.value.trim() ?? '';
  const on = (name) => f.querySelector(`[data-field="${name}"]`)?.checked ?? false;
  const list = (name) => v(name).split(',').map((x) => x.trim()).filter(Boolean);
  const orNull = (x) => (x === '' ? null : x);
  const window = (w) => (v(`schedule.${w}.open`) || v(`schedule.${w}.close`) ? { open: v(`schedule.${w}.open`), close: v(`schedule.${w}.close`) } : null);
  const prompt = (name) => {
    const p = { text: orNull(v(`${name}.text`)), language: orNull(v(`${name}.language`)), voice: orNull(v(`${name}.voice`)), audioUrl: orNull(v(`${name}.audioUrl`)) };
    return Object.values(p).some((x) => x !== null) ? p : null;
  };
  const retries = {};
  for (const [k] of OUTCOMES) if (list(`retries.${k}`).length) retries[k] = list(`retries.${k}`);
  return {
    enabled: on('enabled'), intervals: list('intervals'), customerRingTimeout: v('customerRingTimeout'), callerId: orNull(v('callerId')),
    queue: orNull(v('queue')), forwardToQueue: on('forwardToQueue'), timeZone: orNull(v('timeZone')),
    schedule: { weekdays: window('weekdays'), weekend: window('weekend') },
    agentPrompt: prompt('agentPrompt'),
    recording: { enabled: on('recording.enabled'), storagePeriod: v('recording.storagePeriod'), customerNotification: prompt('recording.customerNotification') },
    voicemail: v('voicemail'), retries, minimumConnection: v('minimumConnection'),
    whisper: Object.fromEntries(WHISPER.map(([k]) => [k, on(`whisper.${k}`)])),
  };
}
