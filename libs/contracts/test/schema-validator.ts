// JSON Schema validation for the specs. ajv comes with the `cloudevents` SDK and `@asyncapi/parser`
// (both dependencies of the workspace); it is not a direct dependency of its own.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);

/** Validates data against the generated JSON Schema file of an event type (read from disk). */
export function validateAgainstGeneratedSchema(type: string, data: unknown): string[] {
  const id = `urn:tremplin:schemas:events:${type}`;
  let validate = ajv.getSchema(id);
  if (!validate) {
    ajv.addSchema(
      JSON.parse(
        readFileSync(join(__dirname, '..', 'generated', 'schemas', `${type}.json`), 'utf8'),
      ),
    );
    validate = ajv.getSchema(id);
  }
  if (!validate) throw new Error(`no generated schema for ${type}`);
  return validate(data)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
