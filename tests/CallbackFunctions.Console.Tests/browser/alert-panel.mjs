// The agent's callback alert, against the contract of the alert API (GET /api/agents/{id}/alert: 404 while nothing
// rings, else the alert; POST .../alert/accept|reject {"offer": N}: 200, or 409 when that offer no longer rings),
// its answers played here so that what the real API cannot show on cue can be checked: every field is shown, the
// countdown runs from a known start, Accept (by keyboard) posts the offer with the key in its header, the panel goes
// quiet when the offer stops ringing, and a 409 says so. alert-accept and alert-reject drive the real API.
import { run, open, need, check, requireKey, functionKey } from './lib.mjs';

const agentId = need('CONSOLE_AGENT');

const alertOf = (offer, comment) => ({
  agentId, callbackId: 'cb-0123456789abcdef0123', offer, name: 'Dana Whitfield', number: '+14155550142',
  types: ['lead', 'previous customer'], location: 'Oakland, CA', adSource: 'Spring radio campaign', dialledNumber: '+14155550100',
  queue: 'support', comment, offeredAt: null, expiresAt: null,
});

await run('the callback alert shows the offer, counts down, and answers it', async ({ newPage }) => {
  const page = await newPage();
  check(functionKey, 'CONSOLE_FUNCTION_KEY must be set');
  await requireKey(page, functionKey);
  let ringing = alertOf(3, 'Asked about the renewal price');
  const posted = [];
  await page.route(`**/api/agents/${agentId}/alert`, (route) => {
    // An offer rings for 30 s from when the page first hears of it (not from when this script started).
    if (ringing && !ringing.expiresAt) {
      ringing.offeredAt = new Date().toISOString();
      ringing.expiresAt = new Date(Date.now() + 30_000).toISOString();
    }
    return route.fulfill(ringing ? { status: 200, contentType: 'application/json', body: JSON.stringify(ringing) }
      : { status: 404, contentType: 'application/problem+json', body: JSON.stringify({ status: 404, detail: 'no offer rings this agent' }) });
  });
  await page.route(`**/api/agents/${agentId}/alert/*`, async (route) => {
    const request = route.request();
    const verb = new URL(request.url()).pathname.split('/').pop();
    posted.push({ verb, method: request.method(), body: request.postDataJSON(), key: request.headers()['x-functions-key'] });
    if (verb === 'accept') {
      ringing = null;
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ id: 'cb-0123456789abcdef0123', status: 'DialingCustomer' }) });
    }
    return route.fulfill({ status: 409, contentType: 'application/problem+json',
      body: JSON.stringify({ status: 409, detail: 'offer 4 of cb-0123456789abcdef0123 no longer rings agent ' + agentId }) });
  });

  await open(page, `#/agent/${agentId}`);
  const panel = page.getByRole('region', { name: 'Callback alert' });
  await panel.getByRole('button', { name: 'Accept' }).waitFor();
  const text = await panel.innerText();
  for (const shown of ['Dana Whitfield', '+14155550142', 'lead', 'previous customer', 'Oakland, CA', 'Spring radio campaign', 'support', '+14155550100', 'Asked about the renewal price'])
    check(text.includes(shown), `the alert does not show ${shown}:\n${text}`);
  const countdown = panel.locator('.countdown');
  const first = Number.parseInt(await countdown.innerText(), 10);
  check(first > 20 && first <= 30, `the countdown starts at ${first} s, not about 30`);
  await page.waitForFunction((start) => Number.parseInt(document.querySelector('.countdown')?.textContent ?? '', 10) < start, first);

  // By keyboard: focus Accept, press Enter.
  await panel.getByRole('button', { name: 'Accept' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Accepted' }).waitFor();
  check(posted.length === 1 && posted[0].verb === 'accept' && posted[0].method === 'POST', `unexpected posts: ${JSON.stringify(posted)}`);
  check(JSON.stringify(posted[0].body) === '{"offer":3}', `accept posted ${JSON.stringify(posted[0].body)}, not {"offer":3}`);
  check(posted[0].key === functionKey, 'accept was posted without the key');
  await panel.getByText('No callback is ringing you.').waitFor();

  // The next offer rings; by the time the agent rejects it, it no longer rings (409): the panel says so.
  ringing = alertOf(4, 'Second try');
  await panel.getByText('Second try').waitFor();
  await panel.getByRole('button', { name: 'Reject' }).click();
  await page.getByRole('alert').filter({ hasText: 'no longer ringing' }).waitFor();
  check(JSON.stringify(posted[1]?.body) === '{"offer":4}', `reject posted ${JSON.stringify(posted[1]?.body)}, not {"offer":4}`);
});
