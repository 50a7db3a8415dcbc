// Writes one benchmark's section of bench/RESULTS.md (benchmark process, main thread).
// Each benchmark owns the text between its `<!-- NAME:begin -->` and `<!-- NAME:end -->`
// markers; everything else in the file is left byte for byte as it was, so several
// benchmarks (ring, endpoint, journal) can share the file.

import { readFile, writeFile } from 'node:fs/promises';

const fileHeader =
  '# KeelDB benchmark results\n\n' +
  'Each section is written by the benchmark named in it, with the command that reproduces it.\n';

export async function replaceSection(path: string, name: string, body: string): Promise<void> {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = fileHeader;
  }
  const section = `${begin}\n${body.trimEnd()}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + section + text.slice(j + end.length);
  } else if (i >= 0 || j >= 0) {
    throw new Error(`${path}: the ${name} markers are unbalanced; fix them by hand`);
  } else {
    text = `${text.trimEnd()}\n\n${section}\n`;
  }
  await writeFile(path, text);
}
