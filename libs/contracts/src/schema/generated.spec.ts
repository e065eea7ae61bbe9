import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE } from '../catalogue';
import { ALL_TOPICS } from '../topics';
import { generatedFiles } from './generated-files';

const generatedDir = join(__dirname, '..', '..', 'generated');

describe('generated contract files', () => {
  it('are up to date with the event classes (run `npx nx run contracts:generate` when this fails)', () => {
    for (const [path, content] of Object.entries(generatedFiles())) {
      let onDisk: string | undefined;
      try {
        onDisk = readFileSync(join(generatedDir, path), 'utf8');
      } catch {
        onDisk = undefined;
      }
      expect({ path, upToDate: onDisk === content }).toEqual({ path, upToDate: true });
    }
  });

  it('include an AsyncAPI 3 document that @asyncapi/parser validates without errors or warnings, with every channel and message', async () => {
    const { document, diagnostics } = await new Parser().parse(
      readFileSync(join(generatedDir, 'asyncapi.yaml'), 'utf8'),
    );
    // Severity 0 is an error, 1 a warning (2 and 3 are information and hints).
    expect(
      diagnostics
        .filter((diagnostic) => diagnostic.severity <= 1)
        .map(
          (diagnostic) =>
            `${diagnostic.code}: ${diagnostic.message} at ${diagnostic.path.join('.')}`,
        ),
    ).toEqual([]);
    expect(document).toBeDefined();
    expect(document?.version()).toMatch(/^3\./);
    expect(
      document
        ?.channels()
        .all()
        .map((channel) => channel.address())
        .sort(),
    ).toEqual(ALL_TOPICS.map((topic) => topic.name).sort());
    expect(
      document
        ?.messages()
        .all()
        .map((message) => message.title())
        .sort(),
    ).toEqual(CATALOGUE.map((eventClass) => eventClass.type).sort());
    for (const message of document?.messages().all() ?? []) {
      expect(message.payload()?.type()).toBe('object');
      expect(message.headers()?.properties()?.['ce_id']).toBeDefined();
      expect(message.examples().length).toBe(1);
    }
  });
});
