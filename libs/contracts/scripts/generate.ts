// Writes the generated contract files (JSON Schema per event, AsyncAPI 3 document).
// `--check` writes nothing and fails when a file is missing or stale (CI).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../src/schema/generated-files';

const root = join(__dirname, '..', 'generated');
const check = process.argv.includes('--check');
const files = generatedFiles();
const stale: string[] = [];

for (const [path, content] of Object.entries(files)) {
  const target = join(root, path);
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  stale.push(path);
  if (!check) {
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, content);
  }
}
const expected = new Set(Object.keys(files));
for (const file of readdirSync(join(root, 'schemas'), { withFileTypes: true })) {
  const path = `schemas/${file.name}`;
  if (expected.has(path)) continue;
  stale.push(`${path} (no longer generated)`);
  if (!check) rmSync(join(root, path));
}

if (check && stale.length > 0) {
  console.error(
    `Generated contract files are stale; run \`npx nx run contracts:generate\`:\n  ${stale.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  check
    ? 'Generated contract files are up to date.'
    : `Wrote ${stale.length} file(s) to libs/contracts/generated.`,
);
