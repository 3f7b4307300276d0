// The clinic's review of the knowledge (issue 17), on a server of its own: `serve --demo` on a
// copy of the knowledge directory (the test changes that copy's base pack as a label update
// would) and a database of its own, whose site pack of sign-offs sits beside it. The pharmacist
// opens /knowledge/review and confirms the mantle-cell blood-count schedule against a label
// version; the course page and the status of an MCL patient then say "confirmed locally by ... on
// ..." instead of "unverified"; a correction of the schedule changes the engine's answer and is in
// the audit log; the server, restarted on a base pack that changed that entry, shows it back in
// review and the answers unverified again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO, day, fill, launch, newContext, screenshots, seriousViolations, submit, today, watchErrors } from './lib.mjs';

const work = mkdtempSync(join(tmpdir(), 'lenacare-review-'));
const KNOWLEDGE = join(work, 'knowledge');
const DB = join(work, 'review.db');
const REF = 'RV-MCL-1';
const LABEL = 'REVLIMID US label 3/2027';
const ENTRY = '#review-us-monitoring-cbc_schedule-mcl-cbc';

let browser;
let server;
let base;

// `lenacare serve --demo` on the copy; resolves with its address once /healthz answers.
async function startServer() {
  const proc = spawn(BIN, ['--knowledge', KNOWLEDGE, 'serve', '--demo', '--db', DB, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const until = Date.now() + 30_000;
  for (;;) {
    const m = /lenacare is serving on (http:\/\/[^ ]+\/)/.exec(out);
    if (m) {
      try {
        const r = await fetch(m[1] + 'healthz');
        if (r.status === 200) return { proc, base: m[1].replace(/\/$/, '') };
      } catch {}
    }
    if (proc.exitCode !== null) throw new Error(`the review server exited: ${out}\n${err}`);
    if (Date.now() > until) throw new Error(`the review server did not start: ${out}\n${err}`);
    await new Promise((f) => setTimeout(f, 100));
  }
}

async function stopServer() {
  if (!server) return;
  const proc = server;
  server = undefined;
  const exited = new Promise((f) => proc.once('exit', f));
  proc.kill('SIGTERM');
  await exited;
}

function account(role) {
  const accounts = JSON.parse(readFileSync(`${DB}.demo-accounts.json`, 'utf8'));
  const a = accounts.find((x) => x.role === role);
  assert.ok(a, `no ${role} among the review server's demo accounts`);
  return a;
}

async function signedInHere(role) {
  const context = await newContext(browser, { axe: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const a = account(role);
  await page.goto(`${base}/sign-in`);
  await page.fill('#username', a.username);
  await page.fill('#password', a.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button[type="submit"]')]);
  assert.ok(!new URL(page.url()).pathname.startsWith('/sign-in'), `sign-in as ${a.username} failed`);
  return { context, page, errors, account: a };
}

// The blood count due in the engine's answer for the patient (the status API of the signed-in
// page): its date, its source and whether it rests on verified knowledge.
async function bloodCount(page) {
  const r = await page.request.get(`${base}/api/v1/patients/${REF}/status`);
  assert.equal(r.status(), 200);
  const found = [];
  (function walk(v) {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (v.test === 'cbc' && typeof v.due === 'string') found.push(v);
      Object.values(v).forEach(walk);
    }
  })(await r.json());
  assert.ok(found.length > 0, 'no blood count due in the status');
  return { due: found[0].due, source: found[0].source, verified: found[0].verified };
}

before(async () => {
  cpSync(join(REPO, 'knowledge'), KNOWLEDGE, { recursive: true });
  ({ proc: server, base } = await startServer());
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stopServer();
  rmSync(work, { recursive: true, force: true });
});

describe('knowledge review', () => {
  test('a pharmacist confirms the MCL blood-count schedule, corrects it, and a label update puts it back into review', async () => {
    // An MCL patient in cycle 2, day 9: the schedule's blood counts are C1 weekly, C2-4 days 1 and 15.
    const pres = await signedInHere('prescriber');
    await pres.page.goto(`${base}/patients`);
    let form = pres.page.locator('#form-patient');
    await fill(form, { patient: REF, name: 'Mary Mantle', sex: 'female', birth_date: '1950-01-01', weight: '70 kg' });
    assert.equal(await submit(pres.page, form), 200);
    form = pres.page.locator('#form-course');
    await fill(form, { indication: 'mcl', start: day(-36), dose: '25' });
    assert.equal(await submit(pres.page, form), 200);
    const before = await bloodCount(pres.page);
    assert.equal(before.verified, false);
    assert.equal(before.due, day(-8), 'the base schedule: cycle 2, day 1');
    await pres.page.goto(`${base}/patients/${REF}`);
    let body = await pres.page.locator('main').innerText();
    assert.match(body, /unverified/);
    assert.doesNotMatch(body, /confirmed locally/);

    // The pharmacist's review page: the entry, its sources linked, what to check.
    const pharm = await signedInHere('pharmacist');
    await pharm.page.goto(`${base}/knowledge/review`);
    assert.deepEqual(await seriousViolations(pharm.page), []);
    const entry = pharm.page.locator(ENTRY);
    assert.equal(await entry.getAttribute('data-status'), 'unverified');
    assert.match(await entry.innerText(), /Check these values against REVLIMID US label/);
    assert.ok((await entry.locator('a[rel=external]').count()) > 0, 'the entry links its source');
    await pharm.page.setViewportSize({ width: 360, height: 740 });
    const width = await pharm.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the review page is ${width} px wide on a 360 px screen`);
    await pharm.page.setViewportSize({ width: 1280, height: 800 });
    await screenshots(pharm.page, 'knowledge-review');

    // Confirmed against the label she holds.
    await entry.locator('[name=label]').fill(LABEL);
    await entry.locator('[name=note]').fill('checked against the printed label');
    await Promise.all([pharm.page.waitForNavigation(), entry.locator('button[value=confirm]').click()]);
    assert.equal(await pharm.page.locator(ENTRY).getAttribute('data-status'), 'confirmed');
    const who = `${pharm.account.username} (pharmacist)`;
    const words = `confirmed locally by ${who} on ${today()} against ${LABEL}`;

    const confirmed = await bloodCount(pres.page);
    assert.equal(confirmed.verified, true);
    assert.ok(confirmed.source.includes(words), confirmed.source);
    await pres.page.goto(`${base}/patients/${REF}`);
    body = await pres.page.locator('main').innerText();
    assert.ok(body.includes(words), 'the course page says who confirmed the schedule');
    await pres.page.goto(`${base}/worklist`);
    const worklist = await pres.page.locator('main').innerText();
    assert.ok(worklist.includes(REF));
    assert.ok(worklist.includes(words), 'the worklist says who confirmed the schedule');
    assert.deepEqual(await seriousViolations(pres.page), []);

    // A correction: weekly through cycle 4. The engine's answer changes (the last blood count due
    // is now cycle 2, day 8), and the audit log has the correction with the old and the new value.
    await pharm.page.goto(`${base}/knowledge/review`);
    const again = pharm.page.locator(ENTRY);
    await again.locator('[name=label]').fill(LABEL);
    await again
      .locator('[name=value]')
      .fill('phases = [ { cycles = "1-4", days = "1,8,15,22" }, { cycles = "5-", days = "1" } ]');
    await Promise.all([pharm.page.waitForNavigation(), again.locator('button[value=correct]').click()]);
    assert.equal(await pharm.page.locator(ENTRY).getAttribute('data-status'), 'corrected');
    const corrected = await bloodCount(pres.page);
    assert.equal(corrected.due, day(-1), 'the corrected schedule: cycle 2, day 8');
    assert.ok(corrected.source.includes(`corrected locally by ${who}`), corrected.source);
    const log = execFileSync(BIN, ['audit', 'log', '--db', DB, '--json'], { encoding: 'utf8' });
    assert.match(log, /knowledge\.correct/);
    assert.match(log, /knowledge\.confirm/);
    assert.match(log, /cycles = '1-4'|cycles = "1-4"/);

    // A label update that changes the entry: the server restarts on the new base pack, and the
    // sign-off no longer holds.
    await pres.context.close();
    await pharm.context.close();
    await stopServer();
    const file = join(KNOWLEDGE, 'us', 'monitoring.toml');
    const text = readFileSync(file, 'utf8');
    const from = '{ cycles = "2-4", days = "1,15" }, { cycles = "5-", days = "1" } ]\ncite = ["USPI §5.3"]';
    assert.ok(text.includes(from));
    writeFileSync(file, text.replace(from, '{ cycles = "2-3", days = "1,15" }, { cycles = "4-", days = "1" } ]\ncite = ["USPI §5.3"]'));
    ({ proc: server, base } = await startServer());
    const pharm2 = await signedInHere('pharmacist');
    await pharm2.page.goto(`${base}/knowledge/review`);
    const back = pharm2.page.locator(ENTRY);
    assert.equal(await back.getAttribute('data-status'), 'back-in-review');
    assert.match(await back.innerText(), /Back in review: the base pack changed this entry/);
    const after = await bloodCount(pharm2.page);
    assert.equal(after.verified, false);
    assert.doesNotMatch(after.source, /locally/);
    assert.deepEqual(pharm2.errors, []);
    await pharm2.context.close();
  });
});
