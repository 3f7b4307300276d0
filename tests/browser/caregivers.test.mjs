// Caregivers, on a patient of its own (CG-<time>): the patient invites a caregiver from /me; the
// caregiver signs up with the code, sees the calendar and the diary, enters a symptom that the
// patient sees as entered by the caregiver, can reach no other patient (every patient page and
// API route of DEMO-1002, and the caregiver routes of it), and loses access when the patient
// removes them. axe-core on the caregiver's pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { day, fill, launch, newContext, seriousViolations, signedIn, submit, text, today, url, watchErrors } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const STAMP = Date.now().toString(36);
const REF = `CG-${STAMP}`;
const PATIENT = { username: `cg-p-${STAMP}`, password: 'a-long-caregiver-test-password' };
const CARER = { username: `cg-c-${STAMP}`, password: 'another-long-caregiver-password', name: 'Anna Helper' };

async function signInAs(browser, who) {
  const context = await newContext(browser, { axe: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url('/sign-in'));
  await page.fill('#username', who.username);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button[type="submit"]')]);
  return { context, page, errors };
}

describe('caregivers', () => {
  test('a patient invites a caregiver, who reads and writes as themselves until removed', async () => {
    const pres = await signedIn(browser, 'prescriber');
    await pres.page.goto(url('/patients'));
    let form = pres.page.locator('#form-patient');
    await fill(form, { patient: REF, name: 'Cora Given', sex: 'male', birth_date: '1947-02-03', weight: '70 kg' });
    assert.equal(await submit(pres.page, form), 200);
    form = pres.page.locator('#form-course');
    await fill(form, { indication: 'mm', start: day(-2), dose: '25', setting: 'newly-diagnosed' });
    assert.equal(await submit(pres.page, form), 200);
    const admin = await signedIn(browser, 'admin');
    await admin.page.goto(url('/admin/users'));
    form = admin.page.locator('form[action="/admin/users"]');
    await fill(form, { username: PATIENT.username, role: 'patient', patient: REF, password: PATIENT.password });
    assert.ok((await submit(admin.page, form)) < 400);

    // The patient invites, allowing writes.
    const patient = await signInAs(browser, PATIENT);
    await patient.page.goto(url('/me'));
    await Promise.all([patient.page.waitForNavigation(), patient.page.click('#caregivers a[href="/me/caregivers"]')]);
    await patient.page.check('#invite-write');
    assert.equal(await submit(patient.page, patient.page.locator('#form-invite')), 200);
    const code = await text(patient.page, '#invite-code');
    assert.match(code, /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    const joinHref = await patient.page.locator('#invite-link').getAttribute('href');

    // The caregiver signs up with the code (signed out), then signs in.
    const anon = await newContext(browser, { axe: true });
    const join = await anon.newPage();
    await join.goto(url(joinHref));
    assert.equal(await join.inputValue('#join-code'), code);
    await fill(join.locator('#form-join'), { name: CARER.name, username: CARER.username, password: CARER.password });
    assert.equal(await submit(join, join.locator('#form-join')), 200);
    assert.equal(new URL(join.url()).pathname, '/sign-in');
    await anon.close();
    const carer = await signInAs(browser, CARER);
    assert.equal(new URL(carer.page.url()).pathname, '/care');
    await Promise.all([carer.page.waitForNavigation(), carer.page.click(`#people a[href="/care/${REF}"]`)]);
    assert.match(await text(carer.page, 'h1'), /Cora Given/);
    assert.ok((await carer.page.locator('#calendar li').count()) > 0, 'no calendar for the caregiver');
    assert.deepEqual(await seriousViolations(carer.page), []);
    // At a phone's width (phone.after.mjs sees only the demo roles' pages): no horizontal scrolling.
    await carer.page.setViewportSize({ width: 360, height: 740 });
    for (const path of [`/care/${REF}`, `/care/${REF}/calendar`, `/care/${REF}/report`, '/care']) {
      await carer.page.goto(url(path));
      const width = await carer.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${path} is ${width} px wide at 360`);
      assert.deepEqual(await seriousViolations(carer.page), [], path);
    }
    await carer.page.setViewportSize({ width: 1280, height: 800 });
    await carer.page.goto(url(`/care/${REF}/calendar`));
    assert.ok((await carer.page.locator('#calendar li[data-pill]').count()) > 0);

    // A symptom entered by the caregiver; the patient sees who wrote it.
    await carer.page.goto(url(`/care/${REF}`));
    form = carer.page.locator('#form-symptom');
    await fill(form, { date: today(), symptom: 'tired after lunch', note: 'noticed by Anna' });
    await carer.page.check('#severity-mild');
    assert.equal(await submit(carer.page, form), 200);
    assert.match(await text(carer.page, '#diary'), /tired after lunch/);
    await patient.page.goto(url('/me'));
    assert.match(await text(patient.page, '#diary'), new RegExp(`tired after lunch.*entered by caregiver ${CARER.name} \\(${CARER.username}\\)`, 's'));

    // Never another patient: the caregiver routes, the clinician pages and the API of DEMO-1002.
    for (const path of ['/care/DEMO-1002', '/care/DEMO-1002/calendar', '/care/DEMO-1002/calendar.ics',
      '/care/DEMO-1002/missed-dose', '/patients/DEMO-1002', '/patients', '/worklist', '/me', '/api/v1/patients/DEMO-1002',
      '/api/v1/patients/DEMO-1002/status', '/api/v1/patients/DEMO-1002/symptoms', '/api/v1/patients',
      '/fhir/Patient/DEMO-1002', '/fhir/Observation?patient=DEMO-1002']) {
      const r = await carer.page.request.get(url(path));
      assert.ok([401, 403, 404].includes(r.status()), `the caregiver got HTTP ${r.status()} for ${path}`);
      assert.ok(!(await r.text()).includes('Henry Example'), `${path} shows DEMO-1002`);
    }

    // The patient removes the caregiver: no more access.
    await patient.page.goto(url('/me/caregivers'));
    const remove = patient.page.locator('#caregiver-list button[id^="revoke-caregiver-"]');
    assert.equal(await remove.count(), 1);
    await Promise.all([patient.page.waitForNavigation(), remove.click()]);
    assert.match(await text(patient.page, 'main'), /No one helps you/);
    const after = await carer.page.goto(url(`/care/${REF}`));
    assert.equal(after.status(), 403);
    assert.deepEqual(patient.errors, []);
    assert.deepEqual(carer.errors.filter((e) => !/status of 40[134]/.test(e)), []);
    for (const c of [patient, carer, pres, admin]) await c.context.close();
  });
});
