// Parses INFO text into sections of fields (test process). INFO's values are the
// servers' own (memory, uptime, pids), so differential tests compare its structure:
// section names, field names, and the kind of each value (integer, float, text).

export type InfoSections = Map<string, Map<string, string>>;

export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = new Map();
  let current: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('# ')) {
      current = new Map();
      sections.set(line.slice(2).trim().toLowerCase(), current);
    } else if (line.length > 0 && current !== null) {
      const colon = line.indexOf(':');
      if (colon > 0) current.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return sections;
}

/** 'int', 'float' or 'text': what a client parsing the field would see. */
export function valueKind(value: string): 'int' | 'float' | 'text' {
  if (/^-?\d+$/.test(value)) return 'int';
  if (/^-?\d+\.\d+$/.test(value)) return 'float';
  return 'text';
}
