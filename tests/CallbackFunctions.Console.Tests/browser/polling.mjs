// Live views poll at most every 2 s, with If-None-Match (answered 304 while nothing changed), and not at all while
// the page is hidden; shown again, they catch up at once. Only upper bounds on the rate are checked, so a slow
// machine cannot fail it.
import { run, open, check } from './lib.mjs';

await run('live views poll at most every 2 s, with If-None-Match, and not while hidden', async ({ newPage }) => {
  const page = await newPage();
  const polls = [];
  // When each request started (the console waits 2 s after a round ends before the next starts), and its answer.
  const isPoll = (request) => request.method() === 'GET' && new URL(request.url()).pathname === '/api/agents';
  const started = new Map();
  page.on('request', (request) => { if (isPoll(request)) started.set(request, Date.now()); });
  page.on('response', (response) => {
    const request = response.request();
    if (!isPoll(request)) return;
    polls.push({ at: started.get(request), ifNoneMatch: request.headers()['if-none-match'] ?? null, status: response.status() });
    polls.sort((a, b) => a.at - b.at);
  });
  await open(page, '#/agents');
  await page.getByRole('region', { name: 'Agents' }).waitFor();

  // Within a deadline, a poll that sent the ETag it had and was answered 304.
  const deadline = Date.now() + 10_000;
  while (!polls.some((p) => p.ifNoneMatch && p.status === 304) && Date.now() < deadline) await page.waitForTimeout(200);
  check(polls.some((p) => p.ifNoneMatch && p.status === 304), `no poll was answered 304: ${JSON.stringify(polls)}`);

  // At most one poll per 2 s: any two polls start at least 2 s apart (a little slack for when this process hears of them).
  for (let i = 1; i < polls.length; i++) {
    // The first request is the key probe, which is not a poll.
    if (i === 1 && polls[0].ifNoneMatch === null && polls[1].ifNoneMatch === null) continue;
    check(polls[i].at - polls[i - 1].at >= 1950, `two polls ${polls[i].at - polls[i - 1].at} ms apart`);
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
