// Live views poll at most every 2 s, with If-None-Match (answered 304 while nothing changed), and not at all while
// the page is hidden; shown again, they catch up at once. Only upper bounds on the rate are checked, so a slow
// machine cannot fail it.
import { run, open, check } from './lib.mjs';

await run('live views poll at most every 2 s, with If-None-Match, and not while hidden', async ({ newPage }) => {
  const page = await newPage();
  const polls = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() !== 'GET' || new URL(request.url()).pathname !== '/api/agents') return;
    polls.push({ at: Date.now(), ifNoneMatch: request.headers()['if-none-match'] ?? null, status: response.status() });
  });
  await open(page, '#/agents');
  await page.getByRole('region', { name: 'Agents' }).waitFor();

  // Within a deadline, a poll that sent the ETag it had and was answered 304.
  const deadline = Date.now() + 10_000;
  while (!polls.some((p) => p.ifNoneMatch && p.status === 304) && Date.now() < deadline) await page.waitForTimeout(200);
  check(polls.some((p) => p.ifNoneMatch && p.status === 304), `no poll was answered 304: ${JSON.stringify(polls)}`);

  // At most one poll per 2 s: any two polls at least ~2 s apart (a little slack for the timer's own jitter).
  for (let i = 1; i < polls.length; i++) {
    // The first request is the key probe, which is not a poll.
    if (i === 1 && polls[0].ifNoneMatch === null && polls[1].ifNoneMatch === null) continue;
    check(polls[i].at - polls[i - 1].at >= 1900, `two polls ${polls[i].at - polls[i - 1].at} ms apart`);
  }

  // Hidden: nothing. (Chromium headless never hides a page; the page is told it is hidden as a browser tells it.)
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(500); // a round already under way may finish
  const whileHidden = polls.length;
  await page.waitForTimeout(4_500);
  check(polls.length === whileHidden, `${polls.length - whileHidden} poll(s) while the page was hidden`);

  // Shown again: a poll at once, not at the next 2 s.
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const shownAt = Date.now();
  while (polls.length === whileHidden && Date.now() - shownAt < 5_000) await page.waitForTimeout(50);
  check(polls.length > whileHidden, 'no poll after the page was shown again');
});
