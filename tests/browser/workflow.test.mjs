// (9) The clinical workflow of each role in the browser, on a patient of its own (WF-<time>) so
// that it shares nothing with the other files: the prescriber adds the patient, records the REMS
// facts and starts a course; the administrator gives the patient an account; the nurse records a
// low count and the patient's /me shows the hold and a missed-dose answer that says no dose is
// due; the prescriber is warned before a resumption the counts do not allow (nothing stored), and
// resumes at the recommended dose once they do; a dose raised back to the start is stored only
// with a reason, which the timeline and the audit log keep; a lab dated tomorrow is refused with
// an error summary that has the focus, on the page's own URL; the pharmacist sees "no" with the
// reasons, records the missing confirmation number, sees "yes" and dispenses the capsule plan; a
// wrong lab is marked entered in error and the status changes back. axe-core on every state, at
// phone and desktop sizes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { account, day, fill, launch, newContext, screenshots, seriousViolations, signedIn, submit, text, today, url, VIEWPORTS, watchErrors } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const REF = `WF-${Date.now().toString(36)}`;
const PATIENT_USER = `wf-${Date.now().toString(36)}`;
const PATIENT_PASSWORD = 'a-long-workflow-password-1';

// No serious or critical axe violation on the page as it is, at phone and desktop sizes.
async function accessible(page, what) {
  const original = page.viewportSize();
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    const serious = await seriousViolations(page);
    assert.deepEqual(serious, [], `${what} (${label}):\n${serious.join('\n')}`);
  }
  if (original) await page.setViewportSize(original);
}

async function api(page, path) {
  const r = await page.request.get(url(path));
  assert.equal(r.status(), 200, `${path}: HTTP ${r.status()}`);
  return r.json();
}

const status = async (page) => (await api(page, `/api/v1/patients/${REF}/status`)).evaluate?.status;
const eventsOf = async (page, ref = REF) => (await api(page, `/api/v1/patients/${ref}`)).events;

describe('workflow', () => {
  test('each role walks its part of the clinical workflow', async (t) => {
    // --- The prescriber: a new patient, the REMS facts and program steps, a course.
    const pres = await signedIn(browser, 'prescriber', { axe: true });
    let page = pres.page;
    await page.goto(url('/patients'));
    let form = page.locator('#form-patient');
    await fill(form, { patient: REF, name: 'Wendy Flow', sex: 'male', birth_date: '1950-03-04', weight: '80 kg' });
    assert.equal(await submit(page, form), 200);
    assert.equal(new URL(page.url()).pathname, `/patients/${REF}`);
    await accessible(page, 'a new patient without a course');
    form = page.locator('#form-course');
    await fill(form, { indication: 'mm', start: day(-10), dose: '25', setting: 'newly-diagnosed' });
    assert.equal(await submit(page, form), 200);
    form = page.locator('#form-rems-facts');
    await fill(form, { rems_category: 'adult-male' });
    assert.equal(await submit(page, form), 200);
    form = page.locator('#form-authorization');
    await fill(form, { date: today(), number: 'WF-AUTH-1' });
    assert.equal(await submit(page, form), 200);
    form = page.locator('#form-prescription');
    await fill(form, { date: today(), days_supply: '28', refills: '0', authorization_number: 'WF-AUTH-1', risk_category: 'adult-male' });
    assert.equal(await submit(page, form), 200);
    form = page.locator('#form-counseling');
    await fill(form, { date: today() });
    assert.equal(await submit(page, form), 200);
    assert.equal(await status(page), 'taking');

    // --- The administrator gives the patient an account.
    const admin = await signedIn(browser, 'admin');
    await admin.page.goto(url('/admin/users'));
    form = admin.page.locator('form[action="/admin/users"]');
    await fill(form, { username: PATIENT_USER, role: 'patient', patient: REF, password: PATIENT_PASSWORD });
    assert.ok((await submit(admin.page, form)) < 400);

    // --- The nurse records a low count: the course is on hold.
    const nurse = await signedIn(browser, 'nurse', { axe: true });
    await nurse.page.goto(url(`/patients/${REF}`));
    form = nurse.page.locator('#form-lab');
    await fill(form, { date: today(), test: 'platelets', value: '20 10*9/L' });
    assert.equal(await submit(nurse.page, form), 200);
    assert.match(await text(nurse.page, '#status'), /interrupted/i);

    // --- The patient's own page says so, and the missed-dose helper says no dose is due.
    const patientContext = await newContext(browser, { axe: true });
    const me = await patientContext.newPage();
    const patientErrors = watchErrors(me);
    await me.goto(url('/sign-in'));
    await me.fill('#username', PATIENT_USER);
    await me.fill('#password', PATIENT_PASSWORD);
    await Promise.all([me.waitForNavigation(), me.click('form[action="/sign-in"] button[type="submit"]')]);
    assert.equal(new URL(me.url()).pathname, '/me');
    assert.match(await text(me, 'main'), /hold|interrupt/i, '/me does not show the hold');
    await me.goto(url('/me/missed-dose?scheduled=08:00&now=09:00'));
    const answer = await text(me, '#missed-dose');
    assert.match(answer, /No dose is due: your therapy is on hold/, answer);
    assert.doesNotMatch(answer, /Take the missed dose/i, answer);
    await accessible(me, '/me/missed-dose on hold');
    assert.deepEqual(patientErrors, []);
    await patientContext.close();

    // --- The prescriber tries to resume before the counts allow it: warned, nothing stored.
    await page.goto(url(`/patients/${REF}`));
    const before = JSON.stringify(await eventsOf(page));
    form = page.locator('#form-resume');
    await fill(form, { change: 'resume', date: today() });
    assert.equal(await submit(page, form), 409);
    assert.equal(new URL(page.url()).pathname, `/patients/${REF}`, 'a failed submission keeps the page URL');
    assert.match(await text(page, '#error-summary'), /before the recovery/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'the error summary has no focus');
    assert.equal(await page.locator('#form-resume textarea[name="confirm"]').count(), 1, 'no reason field');
    assert.equal(JSON.stringify(await eventsOf(page)), before, 'the resumption was stored before it was confirmed');
    await accessible(page, 'a resumption that needs a reason');

    // --- The nurse records the recovery; the prescriber resumes at the dose the status gives.
    await nurse.page.goto(url(`/patients/${REF}`));
    form = nurse.page.locator('#form-lab');
    await fill(form, { date: today(), test: 'platelets', value: '80 10*9/L' });
    assert.equal(await submit(nurse.page, form), 200);
    await page.goto(url(`/patients/${REF}`));
    const advice = await text(page, '#status');
    const recommended = /Resume at[^:]*?(\d+(?:\.\d+)?) mg/.exec(advice);
    assert.ok(recommended, `no recommended dose in #status: ${advice}`);
    form = page.locator('#form-resume');
    await fill(form, { change: 'resume', date: today(), dose: recommended[1] });
    assert.equal(await submit(page, form), 200, await text(page, 'main'));
    assert.equal(await status(page), 'taking');

    // --- Raising the dose back to the start is flagged; confirmed with a reason, it is kept.
    form = page.locator('#form-resume');
    await fill(form, { change: 'dose-change', date: today(), dose: '25' });
    assert.equal(await submit(page, form), 409);
    assert.match(await text(page, '#form-resume-error'), /no such increase/);
    const reason = 'counts stable for 2 cycles; tumour board decision';
    await page.locator('#form-resume textarea[name="confirm"]').fill(reason);
    assert.equal(await submit(page, page.locator('#form-resume')), 200, await text(page, 'main'));
    assert.match(await text(page, '#timeline'), new RegExp(reason));
    const raised = (await eventsOf(page)).find((e) => e.event.type === 'dose-change');
    assert.equal(raised?.reason, reason);
    const log = await api(admin.page, '/api/v1/audit/log?limit=50');
    assert.ok(JSON.stringify(log).includes(reason), 'the audit log does not keep the reason');

    // --- A lab dated tomorrow is refused: the summary at the top, on the page's URL.
    await nurse.page.goto(url(`/patients/${REF}`));
    const beforeFuture = JSON.stringify(await eventsOf(nurse.page));
    form = nurse.page.locator('#form-lab');
    await fill(form, { date: day(1), test: 'anc', value: '2.0 10*9/L' });
    assert.equal(await submit(nurse.page, form), 409);
    assert.equal(new URL(nurse.page.url()).pathname, `/patients/${REF}`);
    assert.match(await text(nurse.page, '#error-summary'), /after today/);
    assert.equal(await nurse.page.evaluate(() => document.activeElement?.id), 'error-summary');
    assert.equal(JSON.stringify(await eventsOf(nurse.page)), beforeFuture, 'a future lab was stored');
    await accessible(nurse.page, 'a refused lab');

    // --- The pharmacist: "no" with the reasons, the confirmation number, "yes", the capsule plan.
    const pharm = await signedIn(browser, 'pharmacist', { axe: true });
    await pharm.page.goto(url(`/patients/${REF}`));
    let verdict = await text(pharm.page, '#dispense-advice');
    assert.match(verdict, /May be dispensed today: no/, verdict);
    assert.match(verdict, /confirmation number/i, verdict);
    await accessible(pharm.page, 'the dispense form');
    form = pharm.page.locator('#form-confirmation');
    await fill(form, { date: today(), number: 'WF-CONF-1' });
    assert.equal(await submit(pharm.page, form), 200);
    verdict = await text(pharm.page, '#dispense-advice');
    assert.match(verdict, /May be dispensed today: yes/, verdict);
    const plan = /\((\d+) capsules, (\d+) days\)/.exec(verdict);
    assert.ok(plan, `no capsule plan next to the dispense button: ${verdict}`);
    form = pharm.page.locator('#form-dispense');
    await fill(form, { date: today(), days_supply: plan[2], quantity: plan[1] });
    assert.equal(await submit(pharm.page, form), 200, await text(pharm.page, 'main'));
    assert.ok((await eventsOf(pharm.page)).some((e) => e.event.type === 'dispense' && e.event.quantity === Number(plan[1])));

    // --- A wrong lab, marked entered in error: the status changes back.
    await nurse.page.goto(url(`/patients/${REF}`));
    form = nurse.page.locator('#form-lab');
    await fill(form, { date: today(), test: 'platelets', value: '5 10*9/L' });
    assert.equal(await submit(nurse.page, form), 200);
    assert.equal(await status(nurse.page), 'interrupted');
    const wrong = (await eventsOf(nurse.page)).filter((e) => e.event.type === 'lab').pop();
    const correction = nurse.page.locator(`#form-entered-in-error-${wrong.id}`);
    await nurse.page.locator(`#event-${wrong.id} summary`).click();
    await correction.locator('[name="reason"]').fill('typed 5 for 50');
    assert.equal(await submit(nurse.page, correction), 200);
    assert.equal(await status(nurse.page), 'taking');
    assert.equal(await nurse.page.locator(`#event-${wrong.id} del`).count(), 1, 'the wrong lab is not struck through');
    await accessible(nurse.page, 'a timeline with a correction');
    await screenshots(nurse.page, 'workflow-patient');
    t.diagnostic(`patient ${REF}: ${(await eventsOf(nurse.page)).length} rows`);

    for (const s of [pres, admin, nurse, pharm]) {
      assert.deepEqual(s.errors.filter((e) => !/status of 40\d/.test(e)), []);
      await s.context.close();
    }
  });

  test('each refusal and each needs-a-reason case shows its problem before anything is stored', async () => {
    const ref = `${REF}-rules`;
    const pres = await signedIn(browser, 'prescriber');
    const page = pres.page;
    await page.goto(url('/patients'));
    const csrf = await page.locator('#form-patient input[name="csrf"]').getAttribute('value');
    const post = async (path, data) => {
      const r = await page.request.post(url(path), { data, headers: { 'X-CSRF-Token': csrf } });
      assert.ok(r.status() < 300, `${path}: HTTP ${r.status()} ${await r.text()}`);
    };
    await post('/api/v1/patients', { patient: ref, sex: 'male', birth_date: '1950-03-04', facts: { rems_category: 'adult-male' } });
    await post(`/api/v1/patients/${ref}/courses`, { indication: 'mm', start: day(-10), dose: 25, setting: 'newly-diagnosed' });
    for (const event of [
      { type: 'authorization', date: today(), number: 'R-AUTH' },
      { type: 'prescription', date: today(), days_supply: 28, refills: 0, authorization_number: 'R-AUTH', risk_category: 'adult-male' },
      { type: 'counseling', date: today(), by: 'prescriber' },
    ]) {
      await post(`/api/v1/patients/${ref}/events`, { kind: 'event', event });
    }
    // Submits a form of the page and checks the problem is shown, at the top and in the form, and
    // that nothing was stored.
    const attempt = async (who, form, fields, problem, needsReason) => {
      await who.goto(url(`/patients/${ref}`));
      const before = JSON.stringify(await eventsOf(who, ref));
      const f = who.locator(`#form-${form}`);
      await fill(f, fields);
      assert.equal(await submit(who, f), 409, `${form} ${JSON.stringify(fields)}: ${await text(who, 'main')}`);
      assert.match(await text(who, '#error-summary'), problem, `${form}: the summary does not say ${problem}`);
      assert.match(await text(who, `#form-${form}-error`), problem);
      assert.equal(await who.locator(`#form-${form} textarea[name="confirm"]`).count(), needsReason ? 1 : 0);
      assert.equal(JSON.stringify(await eventsOf(who, ref)), before, `${form}: stored before it was confirmed`);
    };
    await attempt(page, 'lab', { date: '1940-01-02', test: 'anc', value: '2 10*9/L' }, /before the patient's birth date/, false);
    await attempt(page, 'resume', { change: 'dose-change', date: today(), dose: '30' }, /above the highest dose the label gives/, false);
    await attempt(page, 'resume', { change: 'dose-change', date: today(), dose: '20', days: '1-35' }, /go beyond the 28-day cycle/, false);
    await attempt(page, 'prescription', { date: today(), days_supply: '28', refills: '1', authorization_number: 'R-AUTH', risk_category: 'adult-male' }, /refills/, false);
    await attempt(page, 'resume', { change: 'resume', date: today() }, /not interrupted/, true);
    await attempt(page, 'resume', { change: 'dose-change', date: today(), dose: '7.5' }, /not one of the label's dose levels/, true);

    const pharm = await signedIn(browser, 'pharmacist', { axe: true });
    await attempt(pharm.page, 'dispense', { date: today(), days_supply: '28' }, /confirmation number/, false);
    await accessible(pharm.page, 'a refused dispense');
    await pharm.page.goto(url(`/patients/${ref}`));
    await fill(pharm.page.locator('#form-confirmation'), { date: today(), number: 'R-CONF' });
    assert.equal(await submit(pharm.page, pharm.page.locator('#form-confirmation')), 200);
    await attempt(pharm.page, 'dispense', { date: today(), days_supply: '35' }, /more than the 28 days/, false);
    await attempt(pharm.page, 'dispense', { date: today(), days_supply: '28', quantity: '30' }, /differ from the capsule plan/, true);
    await accessible(pharm.page, 'a dispense that needs a reason');
    await page.goto(url(`/patients/${ref}`));
    await fill(page.locator('#form-hold'), { date: today(), reason: 'infection' });
    assert.equal(await submit(page, page.locator('#form-hold')), 200);
    await attempt(pharm.page, 'dispense', { date: today(), days_supply: '28', quantity: '21' }, /on hold/, true);
    for (const s of [pres, pharm]) {
      assert.deepEqual(s.errors.filter((e) => !/status of 40\d/.test(e)), []);
      await s.context.close();
    }
  });

  test('a patient cannot use the clinicians\' forms, and a form of another role is refused', async () => {
    const nurse = await signedIn(browser, 'nurse');
    await nurse.page.goto(url('/patients/DEMO-1002'));
    assert.equal(await nurse.page.locator('#form-dispense').count(), 0);
    const csrf = await nurse.page.locator('#form-lab input[name="csrf"]').getAttribute('value');
    const r = await nurse.page.evaluate(
      async ({ csrf, date }) => {
        const body = new URLSearchParams({ csrf, form: 'hold', date });
        return (await fetch('/patients/DEMO-1002', { method: 'POST', body, redirect: 'manual' })).status;
      },
      { csrf, date: today() },
    );
    assert.equal(r, 403, 'a nurse recorded a hold');
    await nurse.context.close();
    assert.ok(account('patient'));
  });
});
