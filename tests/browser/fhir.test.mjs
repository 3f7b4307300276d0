// The FHIR R4 read API (/fhir, docs/cds-hooks.md) read by a real FHIR client library from npm
// (fhir-kit-client), with API tokens made the way a user makes them (signed in, POST
// /api/v1/tokens with the session's CSRF token): the CapabilityStatement, a Patient, searches
// by patient, code and date, and the role rules — a clinician reads every patient, a patient
// token only its own record (403 for another's).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'fhir-kit-client';
import { account, launch, newContext, signIn, url } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// An API token of the demo account of `role`.
async function tokenOf(role) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await signIn(page, role);
    await page.goto(url('/account'));
    const csrf = await page.locator('input[name="csrf"]').first().getAttribute('value');
    const r = await page.request.post(url('/api/v1/tokens'), {
      data: { name: `fhir client test ${role}` },
      headers: { 'X-CSRF-Token': csrf },
    });
    assert.equal(r.status(), 201, await r.text());
    return (await r.json()).token;
  } finally {
    await context.close();
  }
}

const client = (token) => new Client({ baseUrl: url('/fhir'), bearerToken: token });

describe('FHIR read API through fhir-kit-client', () => {
  test('a nurse reads the CapabilityStatement, a Patient and its platelet counts by code and date', async () => {
    const fhir = client(await tokenOf('nurse'));
    const cap = await fhir.capabilityStatement();
    assert.equal(cap.resourceType, 'CapabilityStatement');
    assert.equal(cap.fhirVersion, '4.0.1');
    const types = cap.rest[0].resource.map((r) => r.type);
    for (const t of ['Patient', 'Observation', 'MedicationRequest', 'MedicationDispense', 'Condition']) {
      assert.ok(types.includes(t), `${t} in the CapabilityStatement`);
    }

    const patient = await fhir.read({ resourceType: 'Patient', id: 'DEMO-1001' });
    assert.equal(patient.resourceType, 'Patient');
    assert.equal(patient.id, 'DEMO-1001');

    const all = await fhir.search({ resourceType: 'Observation', searchParams: { patient: 'DEMO-1001' } });
    assert.equal(all.type, 'searchset');
    const platelets = await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: 'DEMO-1001', code: 'http://loinc.org|777-3,http://loinc.org|26515-7', _sort: '-date' },
    });
    assert.ok(platelets.entry.length > 0, 'the demo myeloma patient has platelet counts');
    assert.ok(platelets.entry.length < all.entry.length, 'the code search narrows the Observations');
    for (const e of platelets.entry) {
      const codes = e.resource.code.coding.map((c) => c.code);
      assert.ok(codes.includes('777-3') || codes.includes('26515-7'), JSON.stringify(codes));
    }
    const dates = platelets.entry.map((e) => e.resource.effectiveDateTime);
    assert.deepEqual([...dates].sort().reverse(), dates, 'newest first');
    const newest = dates[0];
    const later = await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: 'DEMO-1001', code: 'http://loinc.org|777-3', date: `gt${newest}` },
    });
    assert.equal(later.entry.length, 0);

    const conditions = await fhir.search({ resourceType: 'Condition', searchParams: { patient: 'DEMO-1001' } });
    assert.ok(conditions.entry.length >= 1, 'the course indication as a Condition');
  });

  test('a patient token reads its own record and is refused another patient', async () => {
    const me = account('patient');
    assert.ok(me.patient, 'the demo patient account names its record');
    const fhir = client(await tokenOf('patient'));
    const own = await fhir.read({ resourceType: 'Patient', id: me.patient });
    assert.equal(own.id, me.patient);
    const other = me.patient === 'DEMO-1001' ? 'DEMO-1002' : 'DEMO-1001';
    await assert.rejects(fhir.read({ resourceType: 'Patient', id: other }), (e) => e.response?.status === 403);
    await assert.rejects(
      fhir.search({ resourceType: 'Observation', searchParams: { patient: other } }),
      (e) => e.response?.status === 403,
    );
  });

  test('no token, no records; an unknown search parameter is an OperationOutcome', async () => {
    await assert.rejects(client(undefined).read({ resourceType: 'Patient', id: 'DEMO-1001' }), (e) => e.response?.status === 401);
    const fhir = client(await tokenOf('prescriber'));
    await assert.rejects(
      fhir.search({ resourceType: 'Observation', searchParams: { patient: 'DEMO-1001', colour: 'red' } }),
      (e) => e.response?.status === 400 && e.response.data?.resourceType === 'OperationOutcome',
    );
  });
});
