// (3) Each calculator, filled in and submitted through its form, shows the engine's answer: the
// value on #answer[data-value] is the JSON the CLI gives for the same inputs; one bad input per
// calculator is refused with HTTP 400 and an error with role=alert. (8) A screenshot of a result.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cli, launch, newContext, screenshots, url, watchErrors } from './lib.mjs';

let browser, context, page, errors;

before(async () => {
  browser = await launch();
  context = await newContext(browser);
  page = await context.newPage();
  errors = watchErrors(page);
});
after(async () => {
  await browser?.close();
});

// Fills the calculator's form by field name (text, date, select or checkbox) and submits it;
// returns the HTTP response of the result page.
async function submit(slug, fields) {
  errors.length = 0;
  const r = await page.goto(url(`/calculators/${slug}`));
  assert.equal(r.status(), 200, `/calculators/${slug}: HTTP ${r.status()}`);
  const form = page.locator(`main form[action="/calculators/${slug}"]`);
  assert.equal(await form.count(), 1, `/calculators/${slug} has no form submitting to itself`);
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    assert.equal(await input.count(), 1, `/calculators/${slug}: no single input named ${name}`);
    const kind = await input.evaluate((e) => `${e.tagName.toLowerCase()}:${e.getAttribute('type') ?? ''}`);
    if (kind.startsWith('select')) await input.selectOption(value);
    else if (kind === 'input:checkbox') await input.setChecked(Boolean(value));
    else await input.fill(value);
  }
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    form.locator('button[type="submit"]').click(),
  ]);
  return response;
}

async function answerValue() {
  const answer = page.locator('#answer');
  assert.equal(await answer.count(), 1, `no #answer on ${page.url()}: ${await page.locator('main').innerText()}`);
  const raw = await answer.getAttribute('data-value');
  assert.ok(raw !== null, '#answer has no data-value');
  return JSON.parse(raw);
}

// A low-count form as the course file the page describes to `lenacare evaluate`.
function lowCountCourse(f) {
  const course = { indication: f.indication, start_date: f.start, starting_dose_mg: Number(f.dose) };
  course.events = ['anc', 'platelets']
    .filter((t) => f[t])
    .map((t) => ({ date: f.date, type: 'lab', test: t, value: f[t] }));
  return JSON.stringify(course);
}

const CASES = [
  {
    slug: 'crcl',
    fields: { age: '72', sex: 'female', weight: '58 kg', creatinine: '1.3 mg/dL' },
    engine: () => cli(['crcl', '--age', '72', '--sex', 'female', '--weight', '58 kg', '--creatinine', '1.3 mg/dL']).crcl_ml_min,
  },
  {
    slug: 'crcl',
    fields: { age: '64', sex: 'male', weight: '176 lb', creatinine: '150 umol/L' },
    engine: () => cli(['crcl', '--age', '64', '--sex', 'male', '--weight', '176 lb', '--creatinine', '150 umol/L']).crcl_ml_min,
  },
  {
    slug: 'start-dose',
    fields: { indication: 'mm', crcl: '45' },
    engine: () => cli(['start-dose', '--indication', 'mm', '--crcl', '45']).dose_mg,
  },
  {
    slug: 'start-dose',
    fields: { indication: 'mds', age: '80', sex: 'female', weight: '50 kg', creatinine: '2.1 mg/dL' },
    engine: () =>
      cli(['start-dose', '--indication', 'mds', '--age', '80', '--sex', 'female', '--weight', '50 kg', '--creatinine', '2.1 mg/dL'])
        .dose_mg,
  },
  {
    slug: 'start-dose',
    fields: { indication: 'mcl', dialysis: true },
    engine: () => cli(['start-dose', '--indication', 'mcl', '--dialysis']).dose_mg,
  },
  {
    slug: 'low-count',
    fields: { indication: 'mm', start: '2026-01-05', dose: '25', date: '2026-01-19', platelets: '24 K/uL' },
    engine: (f) => cli(['evaluate', '-', '--as-of', f.date], lowCountCourse(f)).status,
  },
  {
    slug: 'low-count',
    fields: { indication: 'mm', start: '2026-01-05', dose: '25', date: '2026-01-12', anc: '1.6 10*9/L', platelets: '150 10*9/L' },
    engine: (f) => cli(['evaluate', '-', '--as-of', f.date], lowCountCourse(f)).status,
  },
  {
    slug: 'vte',
    fields: { bmi: '31', dexamethasone: '160 mg', prophylaxis: 'none', prior_vte: 'present', active_myeloma: 'present' },
    engine: () =>
      cli(['vte', '--bmi', '31', '--dexamethasone', '160 mg', '--prophylaxis', 'none', '--present', 'prior_vte,active_myeloma'])
        .impede_vte.score,
  },
  {
    slug: 'missed-dose',
    fields: { scheduled: '08:00', now: '19:30' },
    engine: () => cli(['missed-dose', '--scheduled', '08:00', '--now', '19:30']).action,
  },
  {
    slug: 'missed-dose',
    fields: { scheduled: '08:00', now: '21:15' },
    engine: () => cli(['missed-dose', '--scheduled', '08:00', '--now', '21:15']).action,
  },
];

// One bad input per calculator: the form names it with role=alert and the page answers 400.
const BAD = [
  { slug: 'crcl', fields: { age: '72', sex: 'female', weight: '58 stone', creatinine: '1.3 mg/dL' }, field: 'weight' },
  { slug: 'start-dose', fields: { indication: 'mm', crcl: 'lots' }, field: 'crcl' },
  { slug: 'low-count', fields: { indication: 'mm', start: '2026-01-05', date: '2026-01-19', anc: 'very low' }, field: 'anc' },
  { slug: 'vte', fields: { bmi: 'heavy' }, field: 'bmi' },
  { slug: 'missed-dose', fields: { scheduled: '25:70', now: '19:30' }, field: 'scheduled' },
];

describe('calculators', () => {
  test("each calculator shows the engine's answer", async (t) => {
    const seen = new Set();
    for (const c of CASES) {
      await t.test(`${c.slug} ${JSON.stringify(c.fields)}`, async () => {
        const expected = c.engine(c.fields);
        assert.notEqual(expected, undefined, 'the CLI gave no value');
        const r = await submit(c.slug, c.fields);
        assert.equal(r.status(), 200, `HTTP ${r.status()}`);
        assert.deepEqual(await answerValue(), expected);
        assert.deepEqual(errors, []);
        if (!seen.has(c.slug)) {
          seen.add(c.slug);
          if (c.slug === 'crcl') await screenshots(page, 'calculator-crcl-result');
        }
      });
    }
  });

  test('a bad input is refused with 400 and an alert naming it', async (t) => {
    for (const b of BAD) {
      await t.test(`${b.slug}: ${b.field}`, async () => {
        const r = await submit(b.slug, b.fields);
        assert.equal(r.status(), 400, `HTTP ${r.status()}`);
        const alert = page.locator('main [role="alert"]');
        assert.ok((await alert.count()) >= 1, 'no role=alert');
        const message = (await alert.first().innerText()).trim();
        assert.ok(message.length > 0, 'the alert is empty');
        assert.ok(message.includes(b.field), `the alert does not name ${b.field}: ${message}`);
        assert.equal(await page.locator('#answer').count(), 0, 'an answer shown for bad input');
        const input = page.locator(`main form [name="${b.field}"]`);
        assert.equal(await input.getAttribute('aria-invalid'), 'true', `${b.field} is not marked aria-invalid`);
        assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
      });
    }
  });
});
