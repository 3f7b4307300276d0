// The signed-in views that read and change records, in order (one file: they share DEMO-1001):
// (2) axe-core on the patient view /me; (6) the patient's calendar file parses as RFC 5545;
// (7) form posts without the CSRF token are refused and store nothing; (5) a lab recorded by the
// prescriber changes the status shown, as the engine says (and axe-core on that patient page and
// the worklist); (8) screenshots of /me, the worklist and a patient page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkCalendar, dateOf, parseIcs, prop, textOf } from './ics.mjs';
import { REPO, cli, launch, screenshots, seriousViolations, signedIn, text, today, url } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The demo's DEMO-1001 course (web/demo/myeloma-platelets.json) as `lenacare serve --demo` stored
// it: every date moved so that the latest event was yesterday. The server seeded it today.
function demoCourse() {
  const course = JSON.parse(readFileSync(join(REPO, 'web', 'demo', 'myeloma-platelets.json'), 'utf8'));
  const isDate = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
  let latest = '';
  const walk = (j, f) => {
    if (Array.isArray(j)) j.forEach((x) => walk(x, f));
    else if (j && typeof j === 'object') {
      for (const k of Object.keys(j)) {
        if (k === 'birth_date' || k === 'patient') continue;
        if (isDate(j[k])) f(j, k);
        else walk(j[k], f);
      }
    }
  };
  walk(course, (o, k) => (latest = o[k] > latest ? o[k] : latest));
  const day = 86_400_000;
  const shift = Math.round((Date.parse(today()) - day - Date.parse(latest)) / day);
  walk(course, (o, k) => (o[k] = new Date(Date.parse(o[k]) + shift * day).toISOString().slice(0, 10)));
  return course;
}

async function fillByName(form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    assert.equal(await input.count(), 1, `no single input named ${name}`);
    const kind = await input.evaluate((e) => `${e.tagName.toLowerCase()}:${e.getAttribute('type') ?? ''}`);
    if (kind.startsWith('select')) await input.selectOption(value);
    else if (kind === 'input:checkbox') await input.setChecked(Boolean(value));
    else await input.fill(value);
  }
}

// A form post from the page itself (same origin, with the session cookie) without the CSRF field.
async function postWithoutCsrf(page, path, fields, csrf = undefined) {
  return page.evaluate(
    async ({ path, fields, csrf }) => {
      const body = new URLSearchParams(fields);
      if (csrf !== undefined) body.set('csrf', csrf);
      const r = await fetch(path, { method: 'POST', body, redirect: 'manual' });
      return r.status;
    },
    { path, fields, csrf },
  );
}

async function eventCount(page, ref) {
  const r = await page.request.get(url(`/api/v1/patients/${ref}/events`));
  assert.equal(r.status(), 200, `events of ${ref}: HTTP ${r.status()}`);
  return JSON.stringify(await r.json());
}

describe('records', () => {
  test('patient view /me: hooks, no serious axe violations, screenshots', async () => {
    const { context, page, errors } = await signedIn(browser, 'patient', { axe: true });
    assert.equal(new URL(page.url()).pathname, '/me');
    const missing = [];
    for (const id of ['status', 'calendar', 'ics-link', 'form-symptom', 'diary', 'rems', 'missed-dose']) {
      if ((await page.locator(`#${id}`).count()) === 0) missing.push(`#${id}`);
    }
    assert.deepEqual(missing, [], `/me lacks ${missing.join(', ')}`);
    assert.ok((await page.locator('.disclaimer').count()) > 0, '/me has no disclaimer');
    const serious = await seriousViolations(page);
    assert.deepEqual(serious, [], `/me:\n${serious.join('\n')}`);
    assert.deepEqual(errors, []);
    await screenshots(page, 'me');
    await context.close();
  });

  test('the patient calendar (/me/calendar.ics) is a valid RFC 5545 file with pill days', async (t) => {
    const { context, page } = await signedIn(browser, 'patient');
    const link = page.locator('#ics-link');
    assert.equal(await link.count(), 1, 'no #ics-link on /me');
    const href = await link.getAttribute('href');
    assert.equal(new URL(href, url('/')).pathname, '/me/calendar.ics');
    // Download it as the browser does (a click), else read it with the session.
    let body;
    const download = page.waitForEvent('download', { timeout: 5_000 }).catch(() => null);
    await link.click();
    const d = await download;
    t.diagnostic(d ? `downloaded by a click: ${d.suggestedFilename()}` : 'no download on a click: read with the session');
    if (d) {
      body = readFileSync(await d.path(), 'utf8');
    } else {
      const r = await page.request.get(new URL(href, url('/')).toString());
      assert.equal(r.status(), 200);
      body = await r.text();
    }
    const r = await page.request.get(url('/me/calendar.ics'));
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'] ?? '', /^text\/calendar/);
    const cal = parseIcs(body);
    const events = checkCalendar(cal);
    assert.ok(events.length > 0, 'the calendar has no VEVENT');
    const pill = events.filter((e) => /lenalidomide|pill|capsule/i.test(textOf(prop(e, 'SUMMARY') ?? { value: '' })));
    assert.ok(pill.length > 0, `no pill-day event; summaries: ${events.slice(0, 5).map((e) => prop(e, 'SUMMARY')?.value)}`);
    // A pill day of the course: within a cycle's pill days (days 1-21 of 28 for this course).
    const course = demoCourse();
    const start = Date.parse(course.start_date);
    const days = pill.map((e) => Math.round((Date.parse(dateOf(prop(e, 'DTSTART'))) - start) / 86_400_000));
    assert.ok(days.some((d) => d >= 0 && d % 28 < 21), `no pill-day event on days 1-21 of a cycle (${days.slice(0, 5)})`);
    t.diagnostic(`${events.length} events, ${pill.length} pill days; first: ${textOf(prop(pill[0], 'SUMMARY'))} on ${dateOf(prop(pill[0], 'DTSTART'))}`);
    await context.close();
  });

  test('form posts without the CSRF token are refused (403) and store nothing', async () => {
    // The prescriber's lab form.
    const pres = await signedIn(browser, 'prescriber');
    await pres.page.goto(url('/patients/DEMO-1001'));
    const before = await eventCount(pres.page, 'DEMO-1001');
    const lab = { date: today(), test: 'platelets', value: '10 10*9/L' };
    assert.equal(await postWithoutCsrf(pres.page, '/patients/DEMO-1001/lab', lab), 403, 'lab without csrf');
    assert.equal(await postWithoutCsrf(pres.page, '/patients/DEMO-1001/lab', lab, 'forged'), 403, 'lab with a wrong csrf');
    assert.equal(await postWithoutCsrf(pres.page, '/patients/DEMO-1001/hold', { date: today() }), 403, 'hold without csrf');
    assert.equal(await eventCount(pres.page, 'DEMO-1001'), before, 'an event was stored without the CSRF token');
    await pres.context.close();

    // The patient's symptom diary.
    const pat = await signedIn(browser, 'patient');
    const symptoms = async () => {
      const r = await pat.page.request.get(url('/api/v1/patients/DEMO-1001/symptoms'));
      assert.equal(r.status(), 200);
      return (await r.json()).symptoms.length;
    };
    const n = await symptoms();
    const form = pat.page.locator('#form-symptom');
    assert.equal(await form.count(), 1, 'no #form-symptom on /me');
    assert.equal(await form.getAttribute('action'), '/me/symptoms');
    const fields = await form.evaluate((f) => {
      const out = {};
      for (const [k, v] of new FormData(f)) if (k !== 'csrf') out[k] = v;
      return out;
    });
    fields.date ||= today();
    fields.symptom ||= 'rash';
    fields.note = 'sent without the csrf field';
    assert.equal(await postWithoutCsrf(pat.page, '/me/symptoms', fields), 403, 'symptom without csrf');
    assert.equal(await symptoms(), n, 'a symptom was stored without the CSRF token');
    await pat.context.close();
  });

  test('recording a lab changes the status shown, as the engine says', async () => {
    const { context, page, errors } = await signedIn(browser, 'prescriber', { axe: true });
    // The engine's answers before and after a platelet count of 20 x10^9/L today.
    const course = demoCourse();
    const lab = { date: today(), type: 'lab', test: 'platelets', value: '20 10*9/L' };
    const engineBefore = cli(['evaluate', '-', '--as-of', today()], JSON.stringify(course)).status;
    const engineAfter = cli(['evaluate', '-', '--as-of', today()], JSON.stringify({ ...course, events: [...course.events, lab] })).status;
    assert.notEqual(engineBefore, engineAfter, `the engine answers ${engineBefore} both before and after`);
    const apiStatus = async () => (await (await page.request.get(url('/api/v1/patients/DEMO-1001/status'))).json()).evaluate?.status;
    assert.equal(await apiStatus(), engineBefore, 'the stored course does not answer as the demo file');

    let r = await page.goto(url('/patients/DEMO-1001'));
    assert.equal(r.status(), 200);
    const shownBefore = await text(page, '#status');
    assert.match(shownBefore, new RegExp(engineBefore, 'i'), `#status does not show ${engineBefore}: ${shownBefore}`);
    const form = page.locator('#form-lab');
    await fillByName(form, { date: lab.date, test: lab.test, value: lab.value });
    [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('button[type="submit"]').click()]);
    assert.ok(r.status() < 400, `recording the lab: HTTP ${r.status()}: ${await text(page, 'main')}`);
    assert.equal(new URL(page.url()).pathname, '/patients/DEMO-1001', `after recording: ${page.url()}`);
    const shownAfter = await text(page, '#status');
    assert.notEqual(shownAfter, shownBefore, '#status did not change');
    assert.match(shownAfter, new RegExp(engineAfter, 'i'), `#status does not show ${engineAfter}: ${shownAfter}`);
    assert.equal(await apiStatus(), engineAfter);
    assert.deepEqual(errors, []);
    // The clinician pages as well: no serious or critical axe violation.
    let serious = await seriousViolations(page);
    assert.deepEqual(serious, [], `/patients/DEMO-1001:\n${serious.join('\n')}`);
    await screenshots(page, 'patient-DEMO-1001');
    await page.goto(url('/worklist'));
    serious = await seriousViolations(page);
    assert.deepEqual(serious, [], `/worklist:\n${serious.join('\n')}`);
    await screenshots(page, 'worklist');
    await context.close();
  });
});
