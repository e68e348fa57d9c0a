// Supervisor: one board per queue, live. The line in order of place (position and estimate), dialling now, done
// today, success rate, median time to connect, promise accuracy; the poison count for the whole app.
import { call, getFresh, live } from '../api.mjs';
import { h, replace, table, domId } from '../dom.mjs';
import { mask, when, relative, duration, percent, statusText } from '../format.mjs';

const ESTIMATES_PER_QUEUE = 10; // the detail (position, estimate) is read for the head of each line only

export function render(main, _, { signal, failed }) {
  const poison = h('p', { class: 'poison', role: 'status' });
  const boards = h('div', { class: 'boards' }, h('p', { class: 'message' }, 'Loading the queues…'));
  main.append(
    h('h1', {}, 'Queues'),
    h('p', { class: 'lede' }, 'Live while this page is visible (every 2 s). Numbers are masked here; a callback\'s own page shows them in full.'),
    poison, boards);
  let shown = null;
  live(async () => {
    const [queues, failedRuns] = await Promise.all([getFresh('/api/queues', signal), getFresh('/api/poison-messages', signal)]);
    const count = failedRuns.body?.count ?? 0;
    poison.className = count > 0 ? 'poison bad' : 'poison';
    poison.textContent = failedRuns.answer.ok || failedRuns.answer.status === 304
      ? `Poison: ${count} failed callback orchestration${count === 1 ? '' : 's'}` : `Poison count unavailable: ${failedRuns.answer.message}`;
    const list = queues.body ?? [];
    const boardsData = await Promise.all(list.map((q) => queueData(q, signal)));
    // Redrawn when something shown changed, and every 30 s for the "in 2 min" texts; not on every poll, which would
    // reset what a reader is doing (a table scrolled sideways, text selected).
    const signature = JSON.stringify(boardsData) + Math.floor(Date.now() / 30_000);
    if (signature === shown) return;
    shown = signature;
    replace(boards, boardsData.length ? boardsData.map(queueBoard) : h('p', { class: 'empty' }, 'No queue yet: register an agent with a queue (Agents).'));
  }, signal, failed);
}

/** What one queue's board shows, read from the API. */
async function queueData(queue, signal) {
  const name = queue.name;
  const q = encodeURIComponent(name);
  const list = (status) => getFresh(`/api/callbacks?queue=${q}&status=${status}&pageSize=1000`, signal);
  const [queued, agentLeg, customerLeg, stats] = await Promise.all([
    list('Queued'), list('DialingAgent'), list('DialingCustomer'),
    // "today": since local midnight (at least the minute the API takes). Its figures change with the clock, so no ETag is kept.
    call('GET', `/api/queues/${q}/stats?window=${sinceMidnight()}`, { signal }),
  ]);
  const line = [...(queued.body?.items ?? [])].sort((a, b) => a.place.localeCompare(b.place) || a.id.localeCompare(b.id));
  const details = await Promise.all(line.slice(0, ESTIMATES_PER_QUEUE).map((c) => getFresh(`/api/callbacks/${encodeURIComponent(c.id)}`, signal)));
  const estimates = Object.fromEntries(details.filter((d) => d.body).map((d) => [d.body.id, { position: d.body.position, estimatedAt: d.body.estimatedAt }]));
  const dialling = [...(agentLeg.body?.items ?? []), ...(customerLeg.body?.items ?? [])];
  // The window's ends move with the clock: left out, so an unchanged queue keeps its signature.
  const { from, to, ...s } = stats.ok ? stats.body : {};
  return { queue, line, estimates, dialling, stats: stats.ok ? s : null };
}

function queueBoard({ queue, line, estimates, dialling, stats: s }) {
  const name = queue.name;
  const finished = s ? s.completed + s.expired + s.failed : 0;
  const headingId = domId('queue', name);
  return h('section', { class: 'card queue', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, `Queue ${name}`),
    h('p', { class: 'agents' }, `Agents: ${queue.agents.join(', ') || 'none'}`),
    h('dl', { class: 'figures' },
      figure('Waiting', line.length),
      figure('Dialling now', dialling.length),
      figure('Done today', s ? `${s.completed} completed of ${s.created}` : '—'),
      figure('Success rate', s && finished ? percent(s.completed / finished) : '—', 'completed ÷ (completed + expired + failed), today'),
      figure('Median time to connect', s ? duration(s.medianTimeToConnect) : '—', 'from the request to the customer connected'),
      figure('Promise accuracy', s && s.withinPromiseShare !== null ? `${percent(s.withinPromiseShare)} of ${s.promised}` : '—', 'called no later than a minute after the time promised')),
    h('h3', {}, 'The line'),
    table(`The line of queue ${name}`, ['Position', 'Callback', 'Customer', 'In line since', 'Due', 'Estimate', 'Agent'],
      line.map((c, i) => {
        const d = estimates[c.id];
        return [
          String(d?.position ?? i + 1),
          h('a', { href: `#/callbacks/${encodeURIComponent(c.id)}`, id: domId('line', c.id) }, c.id),
          mask(c.caller),
          when(c.place),
          c.waitingForAgent ? 'waiting for an agent' : `${when(c.dueAt)} (${relative(c.dueAt)})`,
          d?.estimatedAt ? `${when(d.estimatedAt)} (${relative(d.estimatedAt)})` : d ? 'no estimate (no agent serves it)' : '—',
          c.boundAgent ?? 'any',
        ];
      }), 'Nobody waiting.'),
    h('h3', {}, 'Dialling now'),
    table(`Dialling now in queue ${name}`, ['Callback', 'Customer', 'Status', 'Attempt', 'Agent'],
      dialling.map((c) => [h('a', { href: `#/callbacks/${encodeURIComponent(c.id)}`, id: domId('dialling', c.id) }, c.id), mask(c.caller),
        statusText(c.status), `${c.attempt} of ${c.maxAttempts}`, c.boundAgent ?? '—']), 'No call under way.'));
}

const figure = (term, value, note) => h('div', {}, h('dt', {}, term), h('dd', {}, String(value), note ? h('span', { class: 'note' }, ` (${note})`) : null));

function sinceMidnight() {
  const now = new Date();
  const seconds = Math.max(60, Math.floor((now - new Date(now.getFullYear(), now.getMonth(), now.getDate())) / 1000));
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}
