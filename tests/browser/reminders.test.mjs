// Reminders and the dose diary, on a patient of its own (RM-<time>): the patient makes a private
// calendar link on /me; the feed, fetched without a session as a phone's calendar would and read
// with ical.js (Mozilla's RFC 5545 parser), has an alarm at the chosen time on every pill day the
// patient's calendar shows and on no other day; the patient marks today's dose taken and the nurse
// sees it on the course page; the nurse records a low count (a hold) and the feed, fetched again,
// has no upcoming dose events; the visit report's PDF holds the dose and the count as text (its first
// page, drawn by pdftoppm, is kept among the artifacts); the patient stops the link and it answers 404.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { ARTIFACTS, day, fill, launch, newContext, seriousViolations, signedIn, submit, text, today, url, watchErrors } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const REF = `RM-${Date.now().toString(36)}`;
const USER = `rm-${Date.now().toString(36)}`;
const PASSWORD = 'a-long-reminders-password-1';

// The feed as a phone's calendar reads it: no cookie, parsed by ical.js.
async function fetchFeed(feedUrl) {
  const r = await fetch(feedUrl);
  const body = await r.text();
  if (r.status !== 200) return { status: r.status, events: [] };
  assert.match(r.headers.get('content-type') ?? '', /^text\/calendar/);
  const cal = new ICAL.Component(ICAL.parse(body));
  const events = cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const alarms = v.getAllSubcomponents('valarm').map((a) => a.getFirstPropertyValue('trigger').toSeconds());
    return { summary: e.summary, description: e.description, start: e.startDate, alarms };
  });
  return { status: 200, events, body };
}

describe('reminders', () => {
  test('a calendar subscription follows the course; a dose marked taken reaches the nurse', async (t) => {
    // The prescriber adds the patient and a course that started 3 days ago (pill days 1-21).
    const pres = await signedIn(browser, 'prescriber');
    await pres.page.goto(url('/patients'));
    let form = pres.page.locator('#form-patient');
    await fill(form, { patient: REF, name: 'Rita Minder', sex: 'male', birth_date: '1948-05-06', weight: '75 kg' });
    assert.equal(await submit(pres.page, form), 200);
    form = pres.page.locator('#form-course');
    await fill(form, { indication: 'mm', start: day(-3), dose: '25', setting: 'newly-diagnosed' });
    assert.equal(await submit(pres.page, form), 200);
    const admin = await signedIn(browser, 'admin');
    await admin.page.goto(url('/admin/users'));
    form = admin.page.locator('form[action="/admin/users"]');
    await fill(form, { username: USER, role: 'patient', patient: REF, password: PASSWORD });
    assert.ok((await submit(admin.page, form)) < 400);

    // The patient signs in and makes a link for 07:45.
    const context = await newContext(browser, { axe: true });
    const me = await context.newPage();
    const errors = watchErrors(me);
    await me.goto(url('/sign-in'));
    await me.fill('#username', USER);
    await me.fill('#password', PASSWORD);
    await Promise.all([me.waitForNavigation(), me.click('form[action="/sign-in"] button[type="submit"]')]);
    assert.equal(new URL(me.url()).pathname, '/me');
    await fill(me.locator('#form-reminders'), { time: '07:45' });
    assert.equal(await submit(me, me.locator('#form-reminders')), 200);
    const feedUrl = await me.locator('#feed-url').inputValue();
    assert.match(feedUrl, /^https?:\/\/.+\/calendar\/[0-9a-f]{64}\.ics$/);
    const webcal = await me.locator('#feed-webcal').getAttribute('href');
    assert.equal(webcal, feedUrl.replace(/^https?:/, 'webcal:'));
    assert.deepEqual(await seriousViolations(me), []);

    // The pill days the patient's own calendar shows, from today on.
    await me.goto(url('/me/calendar'));
    const pillDays = (await me.locator('#calendar li[data-pill]').evaluateAll((l) => l.map((e) => e.dataset.date))).filter(
      (d) => d >= today(),
    );
    assert.ok(pillDays.length > 0, 'no pill day on /me/calendar');

    let feed = await fetchFeed(feedUrl);
    assert.equal(feed.status, 200);
    const alarmed = feed.events.filter((e) => e.alarms.length > 0);
    for (const e of alarmed) {
      assert.equal(e.start.hour, 7, e.summary);
      assert.equal(e.start.minute, 45, e.summary);
      assert.ok(e.alarms.every((s) => s === 0), 'an alarm not at the event time');
      assert.match(e.description, /with or without food/);
      assert.match(e.description, /whole/);
    }
    const alarmDays = alarmed.map((e) => e.start.toString().slice(0, 10)).sort();
    assert.deepEqual(alarmDays, [...pillDays].sort(), 'alarms on days other than the pill days');
    assert.ok(!feed.body.includes(REF), 'the feed names the patient record');
    t.diagnostic(`${feed.events.length} events, ${alarmed.length} with an alarm at 07:45`);

    // Today's dose marked taken; the nurse sees it.
    await me.goto(url('/me'));
    await Promise.all([me.waitForNavigation(), me.click('#dose-taken')]);
    assert.match(await text(me, '#status'), /marked today's dose as taken/);
    const nurse = await signedIn(browser, 'nurse');
    await nurse.page.goto(url(`/patients/${REF}`));
    const adherence = await text(nurse.page, '#adherence');
    assert.match(adherence, /1 of \d+ pill days? marked taken/, adherence);
    assert.match(adherence, new RegExp(USER), adherence);

    // A low count holds therapy: the feed's dose events are gone.
    form = nurse.page.locator('#form-lab');
    await fill(form, { date: today(), test: 'platelets', value: '20 10*9/L' });
    assert.equal(await submit(nurse.page, form), 200);
    assert.match(await text(nurse.page, '#status'), /interrupted/i);
    feed = await fetchFeed(feedUrl);
    assert.equal(feed.status, 200);
    const doses = feed.events.filter((e) => e.alarms.length > 0 || /Take lenalidomide/.test(e.summary));
    assert.deepEqual(doses.map((e) => e.summary), [], 'dose events remain after the hold');
    assert.ok(feed.events.some((e) => /No lenalidomide reminders/.test(e.summary)));

    // The visit report's PDF (real text), its first page kept as a screenshot among the artifacts.
    const pdf = await me.request.get(url('/me/report.pdf'));
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    mkdirSync(ARTIFACTS, { recursive: true });
    const pdfPath = join(ARTIFACTS, 'visit-report.pdf');
    writeFileSync(pdfPath, await pdf.body());
    const pdfText = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
    assert.match(pdfText, /Visit report: Rita Minder/);
    assert.match(pdfText, /1 of \d+ pill days? marked taken/, pdfText);
    assert.match(pdfText, /Platelets: .*20 10\*9\/L/s);
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', pdfPath, join(ARTIFACTS, 'visit-report')]);
    assert.ok(existsSync(join(ARTIFACTS, 'visit-report-1.png')), 'no screenshot of the report');

    // The patient stops the link: 404.
    await me.goto(url('/me'));
    await me.locator('#reminders details summary').click();
    await Promise.all([me.waitForNavigation(), me.click('#reminders-revoke')]);
    assert.equal((await fetchFeed(feedUrl)).status, 404);
    assert.deepEqual(errors, []);
    await context.close();
    await nurse.context.close();
    await pres.context.close();
    await admin.context.close();
  });
});
