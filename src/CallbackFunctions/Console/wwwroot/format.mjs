// How values read on screen.

/** +14155550101 → +1415•••0101 on boards; in full only on the callback's own page. */
export function mask(number) {
  if (!number) return '';
  if (number.length <= 9) return number.slice(0, 3) + '•••';
  return number.slice(0, 5) + '•••' + number.slice(-4);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A time of day when it is today, else date and time; '—' for none. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return sameDay(d, new Date()) ? timeFormat.format(d) : dateTimeFormat.format(d);
}

const sameDay = (a, b) => a.toDateString() === b.toDateString();

/** "in 3 min", "2 min ago", "now". */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const text = abs < 45 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : `${Math.round(abs / 3600)} h`;
  if (abs < 2) return 'now';
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}

/** "00:02:05" (the API's durations) → "2 min 5 s"; null → '—'. */
export function duration(text) {
  if (!text) return '—';
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(text);
  if (!m) return text;
  const [, minus, d, hh, mm, ss] = m;
  const parts = [];
  if (d && d !== '0') parts.push(`${+d} d`);
  if (+hh) parts.push(`${+hh} h`);
  if (+mm) parts.push(`${+mm} min`);
  if (+ss || parts.length === 0) parts.push(`${+ss} s`);
  return (minus ? '−' : '') + parts.join(' ');
}

/** 0.873 → "87%"; null → '—'. */
export const percent = (share) => (share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`);

/** Statuses in words for people. */
export const STATUS_WORDS = {
  Queued: 'Queued', DialingAgent: 'Dialling agent', DialingCustomer: 'Dialling customer', Completed: 'Completed',
  Cancelled: 'Cancelled', Expired: 'Expired', Failed: 'Failed',
};
export const statusText = (s) => STATUS_WORDS[s] || s;
