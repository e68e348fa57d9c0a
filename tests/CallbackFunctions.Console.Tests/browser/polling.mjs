// Live views poll at most every 2 s, with If-None-Match (answered 304 while nothing changed), and not at all while
// the page is hidden; shown again, they catch up at once. Only upper bounds on the rate are checked, so a slow
// machine cannot fail it, and the polls are timed by the page's own clock (when each fetch starts).
import { run, open, check } from './lib.mjs';

await run('live views poll at most every 2 s, with If-None-Match, and not while hidden', async ({ newPage }) => {
  const page = await newPage();
  await page.addInitScript(() => {
    window.__polls = [];
    const fetch = window.fetch;
    window.fetch = function (input, init) {
      const url = new URL(typeof input === 'string' ? input : input.url, location.href);
      if (url.pathname === '/api/agents' && (init?.method ?? 'GET') === 'GET') {
        window.__polls.push({ at: performance.now(), ifNoneMatch: init?.headers?.['If-None-Match'] ?? null });
      }
      return fetch.apply(this, arguments);
    };
  });
  const answers = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/agents')
      answers.push({ ifNoneMatch: request.headers()['if-none-match'] ?? null, status: response.status() });
  });
  const polls = () => page.evaluate(() => window.__polls);

  await open(page, '#/agents');
  await page.getByRole('region', { name: 'Agents' }).waitFor();

  // Within a deadline, a poll that sent the ETag it had and was answered 304.
  const deadline = Date.now() + 10_000;
  while (!answers.some((a) => a.ifNoneMatch && a.status === 304) && Date.now() < deadline) await page.waitForTimeout(200);
  check(answers.some((a) => a.ifNoneMatch && a.status === 304), `no poll was answered 304: ${JSON.stringify(answers)}`);

  // At most one poll per 2 s: the view's polls (those after the key probe) start at least 2 s apart.
  const seen = (await polls()).slice(1);
  check(seen.length >= 2, `too few polls to judge: ${JSON.stringify(seen)}`);
  for (let i = 1; i < seen.length; i++)
    check(seen[i].at - seen[i - 1].at >= 1995, `two polls ${Math.round(seen[i].at - seen[i - 1].at)} ms apart`);

  // Hidden: nothing. (Chromium headless never hides a page; the page is told it is hidden as a browser tells it.)
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const whileHidden = (await polls()).length;
  await page.waitForTimeout(4_500);
  check((await polls()).length === whileHidden, `${(await polls()).length - whileHidden} poll(s) while the page was hidden`);

  // Shown again: polling resumes.
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForFunction((n) => window.__polls.length > n, whileHidden, { timeout: 5_000 });
});
