// The tests' RFC 5545 reader (ics.mjs) itself: it accepts a valid calendar and refuses the
// mistakes it is there to catch. No browser or server needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCalendar, dateOf, parseIcs, prop, textOf } from './ics.mjs';

const crlf = (lines) => lines.join('\r\n') + '\r\n';
const VALID = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  'BEGIN:VEVENT',
  'UID:a@test',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;VALUE=DATE:20260105',
  'SUMMARY:Lenalidomide 25 mg\\, day 1',
  'DESCRIPTION:a long line that is folded onto the next line because it is ',
  ' longer than seventy-five octets',
  'END:VEVENT',
  'END:VCALENDAR',
];

test('a valid calendar: unfolded, escaped, dated', () => {
  const cal = parseIcs(crlf(VALID));
  const [e] = checkCalendar(cal);
  assert.equal(dateOf(prop(e, 'DTSTART')), '2026-01-05');
  assert.equal(textOf(prop(e, 'SUMMARY')), 'Lenalidomide 25 mg, day 1');
  assert.match(textOf(prop(e, 'DESCRIPTION')), /longer than seventy-five/);
});

test('refused: bare LF, unbalanced components, missing UID, bad dates, long lines', () => {
  assert.throws(() => parseIcs(VALID.join('\n') + '\n'), /CRLF/);
  assert.throws(() => parseIcs(crlf(VALID.filter((l) => l !== 'END:VEVENT'))), /does not close/);
  assert.throws(() => parseIcs(crlf(VALID.slice(0, -1))), /never closed/);
  assert.throws(() => checkCalendar(parseIcs(crlf(VALID.filter((l) => !l.startsWith('UID'))))), /UID/);
  assert.throws(() => checkCalendar(parseIcs(crlf(VALID.filter((l) => l !== 'VERSION:2.0')))), /VERSION/);
  assert.throws(
    () => checkCalendar(parseIcs(crlf(VALID.map((l) => (l.startsWith('DTSTART') ? 'DTSTART:2026-01-05' : l))))),
    /DATE/,
  );
  assert.throws(() => parseIcs(crlf([...VALID.slice(0, 3), `X-LONG:${'x'.repeat(80)}`, ...VALID.slice(3)])), /75 octets/);
});
