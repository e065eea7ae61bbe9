/**
 * Field names whose values never reach a log line: personal data (names, contact details,
 * addresses, birth dates, guardians) and credentials. Matched in any case and spelling
 * (firstName, first_name, FIRST-NAME), at any depth of a logged object or query string.
 */
export const REDACTED_FIELDS = [
  // names
  'name',
  'firstName',
  'lastName',
  'fullName',
  'givenName',
  'familyName',
  'birthName',
  'usedName',
  'displayName',
  // contact details
  'email',
  'emailAddress',
  'phone',
  'phoneNumber',
  'mobile',
  'telephone',
  'contact',
  'contacts',
  // addresses
  'address',
  'addresses',
  'street',
  'streetAddress',
  'addressLine1',
  'addressLine2',
  // birth
  'birthDate',
  'dateOfBirth',
  'birthday',
  'birthPlace',
  // the people acting for a minor
  'guardian',
  'guardians',
  'guardianName',
  'legalRepresentative',
  // credentials and signed links
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'setCookie',
] as const;

export const REDACTED = '[Redacted]';

const normalise = (field: string) => field.toLowerCase().replace(/[^a-z0-9]/g, '');
const REDACTED_KEYS = new Set(REDACTED_FIELDS.map(normalise));

/** Also true of a bracketed or dotted key whose part is one (`filter[email]`, `guardian.phone`). */
export function isRedactedField(field: string): boolean {
  return [field, ...field.split(/[.[\]]/)].some((part) => REDACTED_KEYS.has(normalise(part)));
}

const MAX_DEPTH = 10;

/** A copy of a logged value with every redacted field's value replaced, at any depth. */
export function redactFields(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (seen.has(value) || depth > MAX_DEPTH) return '[Circular or too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1, seen));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      isRedactedField(key) ? REDACTED : redactFields(item, depth + 1, seen),
    ]),
  );
}

/** A signed link's token as a path segment: /links/<token> (also .../links/<token>/answer). */
const LINK_TOKEN_IN_PATH = /(\/links\/)[^/?#]+/g;

/** A request URL fit for a log line: no signed-link token, no redacted field's value in the query. */
export function redactUrl(url: string): string {
  const [path, query] = splitOnce(url, '?');
  const safePath = path.replace(LINK_TOKEN_IN_PATH, `$1${REDACTED}`);
  if (query === undefined) return safePath;
  const safeQuery = query
    .split('&')
    .map((pair) => {
      const [key] = splitOnce(pair, '=');
      return isRedactedField(safeDecode(key)) ? `${key}=${REDACTED}` : pair;
    })
    .join('&');
  return `${safePath}?${safeQuery}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
