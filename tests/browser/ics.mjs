// A small RFC 5545 (iCalendar) reader for the tests: strict about what a calendar program relies
// on. parseIcs() throws on a malformed file and returns the components as a tree.
//
//   { name: 'VCALENDAR', props: [{ name, params: {NAME: value}, value }], children: [...] }

// Splits the file into unfolded content lines (RFC 5545 3.1): CRLF line ends, a line starting
// with a space or tab continues the previous one. Lines longer than 75 octets are reported.
export function contentLines(text) {
  if (!text.endsWith('\r\n')) throw new Error('the file does not end with CRLF');
  const bare = text.replace(/\r\n/g, '').search(/[\r\n]/);
  if (bare !== -1) throw new Error('a line ends with a bare LF or CR, not CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  const tooLong = physical.findIndex((l) => Buffer.byteLength(l, 'utf8') > 75);
  if (tooLong !== -1) throw new Error(`line ${tooLong + 1} is longer than 75 octets: ${physical[tooLong]}`);
  const lines = [];
  for (const [i, l] of physical.entries()) {
    if (l.startsWith(' ') || l.startsWith('\t')) {
      if (lines.length === 0) throw new Error('the file starts with a continuation line');
      lines[lines.length - 1] += l.slice(1);
    } else {
      if (l === '') throw new Error(`line ${i + 1} is empty`);
      lines.push(l);
    }
  }
  return lines;
}

// name *(";" param) ":" value; parameter values may be quoted.
export function parseLine(line) {
  const m = /^([A-Za-z0-9-]+)/.exec(line);
  if (!m) throw new Error(`not a content line: ${line}`);
  const name = m[1].toUpperCase();
  let at = name.length;
  const params = {};
  while (line[at] === ';') {
    const p = /^;([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*(?:,("[^"]*"|[^";:,]*))*)/.exec(line.slice(at));
    if (!p) throw new Error(`bad parameter in: ${line}`);
    params[p[1].toUpperCase()] = p[2].replace(/^"|"$/g, '');
    at += p[0].length;
  }
  if (line[at] !== ':') throw new Error(`no ':' after the name in: ${line}`);
  return { name, params, value: line.slice(at + 1) };
}

export function parseIcs(text) {
  const lines = contentLines(text);
  const root = { name: '', props: [], children: [] };
  const stack = [root];
  for (const line of lines) {
    const p = parseLine(line);
    const top = stack[stack.length - 1];
    if (p.name === 'BEGIN') {
      const c = { name: p.value.toUpperCase(), props: [], children: [] };
      top.children.push(c);
      stack.push(c);
    } else if (p.name === 'END') {
      if (stack.length === 1 || top.name !== p.value.toUpperCase())
        throw new Error(`END:${p.value} does not close BEGIN:${top.name || '(nothing)'}`);
      stack.pop();
    } else {
      if (stack.length === 1) throw new Error(`property outside any component: ${line}`);
      top.props.push(p);
    }
  }
  if (stack.length !== 1) throw new Error(`BEGIN:${stack[stack.length - 1].name} is never closed`);
  if (root.children.length !== 1 || root.children[0].name !== 'VCALENDAR')
    throw new Error('the file is not exactly one VCALENDAR');
  return root.children[0];
}

export const prop = (component, name) => component.props.find((p) => p.name === name);
export const props = (component, name) => component.props.filter((p) => p.name === name);

// A DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS[Z]) value as "YYYY-MM-DD".
export function dateOf(p) {
  const m = /^(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?$/.exec(p.value);
  if (!m) throw new Error(`${p.name}: '${p.value}' is not a DATE or DATE-TIME`);
  if (p.params.VALUE === 'DATE' && m[4]) throw new Error(`${p.name}: VALUE=DATE with a time`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

// RFC 5545 TEXT unescaping (\\, \; \, \n).
export function textOf(p) {
  return p.value.replace(/\\([\\;,nN])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
}

// The checks every calendar must pass; returns the VEVENTs.
export function checkCalendar(cal) {
  const problems = [];
  const version = props(cal, 'VERSION');
  if (version.length !== 1 || version[0].value !== '2.0') problems.push('VCALENDAR: VERSION must be 2.0, once');
  if (props(cal, 'PRODID').length !== 1) problems.push('VCALENDAR: PRODID must appear once');
  const events = cal.children.filter((c) => c.name === 'VEVENT');
  const uids = new Set();
  for (const [i, e] of events.entries()) {
    for (const name of ['UID', 'DTSTAMP', 'DTSTART']) {
      if (props(e, name).length !== 1) problems.push(`VEVENT ${i + 1}: ${name} must appear once`);
    }
    const uid = prop(e, 'UID')?.value;
    if (uid && uids.has(uid)) problems.push(`VEVENT ${i + 1}: UID ${uid} is not unique`);
    uids.add(uid);
    for (const name of ['DTSTAMP', 'DTSTART', 'DTEND']) {
      const p = prop(e, name);
      if (p) {
        try {
          dateOf(p);
        } catch (err) {
          problems.push(`VEVENT ${i + 1}: ${err.message}`);
        }
      }
    }
    if (prop(e, 'DTSTAMP') && !/T\d{6}Z$/.test(prop(e, 'DTSTAMP').value))
      problems.push(`VEVENT ${i + 1}: DTSTAMP must be a UTC date-time`);
    if (prop(e, 'DTEND') && prop(e, 'DURATION')) problems.push(`VEVENT ${i + 1}: both DTEND and DURATION`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  return events;
}
