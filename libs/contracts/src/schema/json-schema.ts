import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { schemaUriOf } from '../envelope';
import type { EventClass } from '../integration-event';

/** The JSON Schema (draft-07, what AsyncAPI 3 embeds) subset the generator writes. */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
}

type Constructor = abstract new (...args: never[]) => unknown;

// Rules that are not plain regular expressions carry their pattern here (checksums are left to
// the class-validator rule; a subscriber gets the shape).
const PATTERN_RULES: Record<string, string> = {
  isUai: '^\\d{7}[A-HJ-NPR-Z]$',
  isSiret: '^\\d{14}$',
};

/** The JSON Schema of an event payload, read from its class-validator rules. */
export function jsonSchemaOf(eventClass: EventClass): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: schemaUriOf(eventClass.type),
    title: eventClass.type,
    description: eventClass.description,
    ...objectSchema(eventClass),
  };
}

function objectSchema(target: Constructor): JsonSchema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(
    target as unknown as new () => object,
    '',
    true,
    false,
  );
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of metadata)
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  // Sorted: the generated files do not depend on decorator evaluation order.
  for (const property of [...byProperty.keys()].sort()) {
    const rules = byProperty.get(property) ?? [];
    if (!rules.some((rule) => rule.name === 'isOptional')) required.push(property);
    properties[property] = propertySchema(target, property, rules);
  }
  return { type: 'object', properties, required };
}

function propertySchema(
  target: Constructor,
  property: string,
  rules: ValidationMetadata[],
): JsonSchema {
  const designType: unknown = Reflect.getMetadata('design:type', target.prototype, property);
  const isArray =
    designType === Array || rules.some((rule) => rule.name === 'isArray' || rule.each);
  const own: JsonSchema = {};
  const item: JsonSchema = {};
  for (const rule of rules) {
    if (rule.type === 'nestedValidation') {
      // The design type names the nested class (arrays of nested objects would need more: none yet).
      const nested = isArray ? undefined : (designType as Constructor | undefined);
      if (!nested || nested === Object)
        throw new Error(`${target.name}.${property}: only a single nested class is supported`);
      Object.assign(isArray ? item : own, objectSchema(nested));
      continue;
    }
    if (rule.type === 'conditionalValidation' && rule.name === 'isOptional') continue;
    if (rule.type !== 'customValidation')
      throw new Error(`${target.name}.${property}: no JSON Schema for rule type ${rule.type}`);
    apply(rule.each ? item : own, rule, `${target.name}.${property}`);
  }
  if (isArray)
    return { ...own, type: 'array', items: { ...typeOfScalar(undefined, item), ...item } };
  return { ...typeOfScalar(designType, own), ...own };
}

function typeOfScalar(designType: unknown, schema: JsonSchema): JsonSchema {
  if (schema.type) return {};
  if (schema.enum) return {};
  if (designType === String) return { type: 'string' };
  if (designType === Number) return { type: 'number' };
  if (designType === Boolean) return { type: 'boolean' };
  return {};
}

function apply(schema: JsonSchema, rule: ValidationMetadata, where: string): void {
  const [first, second] = rule.constraints ?? [];
  switch (rule.name) {
    case 'isUuid':
      schema.type = 'string';
      schema.format = 'uuid';
      return;
    case 'isString':
      schema.type = 'string';
      return;
    case 'isInt':
      schema.type = 'integer';
      return;
    case 'isNumber':
      schema.type ??= 'number';
      return;
    case 'isBoolean':
      schema.type = 'boolean';
      return;
    case 'isIso8601':
      schema.type = 'string';
      schema.format = 'date-time';
      return;
    case 'isEmail':
      schema.type = 'string';
      schema.format = 'email';
      return;
    case 'matches':
      schema.type = 'string';
      schema.pattern = first instanceof RegExp ? first.source : String(first);
      return;
    case 'isIn':
      schema.enum = [...(first as unknown[])];
      return;
    case 'min':
      schema.minimum = first as number;
      return;
    case 'max':
      schema.maximum = first as number;
      return;
    case 'isLength':
      schema.minLength = first as number;
      if (second !== undefined) schema.maxLength = second as number;
      return;
    case 'maxLength':
      schema.maxLength = first as number;
      return;
    case 'minLength':
      schema.minLength = first as number;
      return;
    case 'isArray':
      return;
    case 'isObject':
      schema.type = 'object';
      return;
    case 'arrayMinSize':
      // On the array itself (not each item): handled by the caller's `own`.
      schema.minItems = first as number;
      return;
    case 'arrayUnique':
      schema.uniqueItems = true;
      return;
    default:
      if (rule.name && PATTERN_RULES[rule.name]) {
        schema.type = 'string';
        schema.pattern = PATTERN_RULES[rule.name];
        return;
      }
      // A rule the generator does not know would silently vanish from the contract: refuse.
      throw new Error(`${where}: no JSON Schema for class-validator rule ${rule.name}`);
  }
}
