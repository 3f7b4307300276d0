// (4) Signing in as each role through the sign-in form, and what each role may see: clinicians
// the worklist, the patients and the forms of their role; the administrator the accounts; the
// patient only their own view (403 or 404 elsewhere, pages and API alike). Read-only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { account, launch, newContext, signedIn, url, watchErrors } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The forms of the course page and who sees them: the README's role matrix, per act.
const FORMS = ['lab', 'resume', 'hold', 'stop', 'toxicity', 'pregnancy-test', 'marker', 'rems-facts', 'authorization',
  'prescription', 'counseling', 'confirmation', 'dispense', 'course'];
const MAY = {
  prescriber: {
    yes: ['lab', 'resume', 'hold', 'stop', 'toxicity', 'pregnancy-test', 'marker', 'rems-facts', 'authorization',
      'prescription', 'counseling', 'course'],
    no: ['confirmation', 'dispense'],
  },
  nurse: {
    yes: ['lab', 'toxicity', 'pregnancy-test', 'marker'],
    no: ['resume', 'hold', 'stop', 'rems-facts', 'authorization', 'prescription', 'counseling', 'confirmation',
      'dispense', 'course'],
  },
  pharmacist: {
    yes: ['counseling', 'confirmation', 'dispense'],
    no: ['lab', 'resume', 'hold', 'stop', 'toxicity', 'pregnancy-test', 'marker', 'rems-facts', 'authorization',
      'prescription', 'course'],
  },
};
const HOME = { admin: '/admin/users', prescriber: '/worklist', pharmacist: '/worklist', nurse: '/worklist', patient: '/me' };

async function status(page, path) {
  const r = await page.goto(url(path));
  return r.status();
}

describe('roles', () => {
  test('a wrong password is refused with #sign-in-error', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(url('/sign-in'));
    await page.fill('#username', account('nurse').username);
    await page.fill('#password', 'not-the-password');
    const [r] = await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button[type="submit"]')]);
    assert.equal(r.status(), 401);
    assert.ok(new URL(page.url()).pathname.startsWith('/sign-in'));
    assert.ok((await page.locator('#sign-in-error[role="alert"]').innerText()).trim().length > 0);
    await context.close();
  });

  for (const role of ['prescriber', 'nurse', 'pharmacist']) {
    test(`${role}: worklist, patients and the forms of the role`, async () => {
      const { context, page, errors } = await signedIn(browser, role);
      assert.equal(new URL(page.url()).pathname, HOME[role], `${role} signed in to ${page.url()}`);
      assert.equal(await status(page, '/worklist'), 200, '/worklist');
      assert.equal(await status(page, '/patients'), 200, '/patients');
      assert.ok((await page.locator('main a[href="/patients/DEMO-1002"]').count()) >= 1, '/patients does not link DEMO-1002');
      assert.equal(await status(page, '/patients/DEMO-1002'), 200, '/patients/DEMO-1002');
      assert.equal(await page.locator('#status').count(), 1, 'no #status on the patient page');
      const present = [];
      for (const kind of FORMS) {
        if ((await page.locator(`#form-${kind}`).count()) > 0) present.push(kind);
      }
      for (const kind of MAY[role].yes) {
        assert.ok(present.includes(kind), `${role} does not see #form-${kind} (sees: ${present.join(', ') || 'none'})`);
        const form = page.locator(`form#form-${kind}`);
        assert.equal(await form.count(), 1, `#form-${kind} is not a form`);
        assert.equal((await form.getAttribute('method'))?.toLowerCase(), 'post', `#form-${kind} method`);
        // Posted to the page itself (a failed submission keeps the page's URL), naming its form.
        assert.equal(await form.getAttribute('action'), '/patients/DEMO-1002', `#form-${kind} action`);
        assert.equal(await form.locator('input[type="hidden"][name="form"]').getAttribute('value'), kind);
        assert.equal(await form.locator('input[type="hidden"][name="csrf"]').count(), 1, `#form-${kind} has no csrf field`);
      }
      for (const kind of MAY[role].no) {
        assert.ok(!present.includes(kind), `${role} sees #form-${kind}, which the role may not use`);
      }
      assert.equal(await status(page, '/admin/users'), 403, `${role} /admin/users`);
      assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), []);
      await context.close();
    });
  }

  test('admin: the accounts page', async () => {
    const { context, page, errors } = await signedIn(browser, 'admin');
    assert.equal(new URL(page.url()).pathname, HOME.admin);
    assert.equal(await status(page, '/admin/users'), 200);
    const names = await page.locator('main table tbody tr td:first-child').allInnerTexts();
    for (const role of ['admin', 'prescriber', 'pharmacist', 'nurse', 'patient']) {
      assert.ok(names.includes(account(role).username), `/admin/users does not list ${account(role).username}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('patient: sent to /me; no other record, no clinician page, no admin page, no API access', async () => {
    const { context, page, errors, account: me } = await signedIn(browser, 'patient');
    assert.equal(new URL(page.url()).pathname, '/me', `the patient signed in to ${page.url()}`);
    assert.equal(me.patient, 'DEMO-1001');
    for (const path of ['/patients/DEMO-1002', '/worklist', '/patients', '/admin/users', '/import']) {
      const s = await status(page, path);
      assert.ok(s === 403 || s === 404, `the patient got HTTP ${s} for ${path}`);
    }
    for (const path of [
      '/api/v1/patients/DEMO-1002',
      '/api/v1/patients/DEMO-1002/status',
      '/api/v1/patients/DEMO-1002/calendar.ics',
      '/api/v1/patients',
      '/api/v1/worklist',
    ]) {
      const r = await page.request.get(url(path)); // with the session cookie
      assert.ok(r.status() === 403 || r.status() === 404, `the patient got HTTP ${r.status()} for ${path}`);
    }
    // Their own record they may read through the API.
    const own = await page.request.get(url('/api/v1/me'));
    assert.equal(own.status(), 200);
    assert.equal((await own.json()).patient, 'DEMO-1001');
    assert.deepEqual(errors.filter((e) => !/status of 40[34]/.test(e)), []);
    await context.close();
  });

  test('signed out: patient pages ask to sign in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    watchErrors(page);
    for (const path of ['/worklist', '/patients/DEMO-1001', '/me']) {
      const r = await page.goto(url(path));
      const s = r.status();
      const where = new URL(page.url()).pathname;
      assert.ok(s === 401 || s === 403 || where === '/sign-in', `anonymous ${path}: HTTP ${s} at ${where}`);
    }
    const api = await page.request.get(url('/api/v1/patients/DEMO-1001'));
    assert.equal(api.status(), 401);
    await context.close();
  });
});
