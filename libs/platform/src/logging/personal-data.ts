import { redactLinkTokens } from '../links/signed-links';

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
const REDACTED_WORDS = [...new Set(REDACTED_FIELDS.map(normalise))];

/**
 * True of a key that holds one of the listed words in any spelling or compound: `email`,
 * `contact_name`, `guardianEmail`, `filter[email]`, `guardian.phone`. Over-redacting a harmless
 * key (`legalName`) costs a log reader little; a missed compound leaks a person.
 */
export function isRedactedField(field: string): boolean {
  const key = normalise(field);
  return REDACTED_WORDS.some((word) => key.includes(word));
}

/**
 * Query parameters whose values are logged: paging and filters that never hold a person's data.
 * Every other parameter's value is redacted, whatever its name (`?q=` or `?subject=` may carry
 * an e-mail address).
 */
export const LOGGED_QUERY_PARAMETERS = ['offset', 'limit', 'after', 'sort', 'order', 'status'];

function isLoggedQueryParameter(key: string): boolean {
  return (LOGGED_QUERY_PARAMETERS as readonly string[]).includes(key);
}

/** A parsed query string fit for a log line: the values of LOGGED_QUERY_PARAMETERS only. */
export function redactQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  return Object.fromEntries(
    Object.entries(query).map(([key, value]) => [
      key,
      isLoggedQueryParameter(key) && typeof value === 'string' ? value : REDACTED,
    ]),
  );
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
const LINK_TOKEN_IN_PATH = /(\/links\/)[^/?#]+/gi;

/**
 * A request URL fit for a log line: no signed-link token in the path, no query value but those
 * of LOGGED_QUERY_PARAMETERS, no e-mail address anywhere.
 */
export function redactUrl(url: string): string {
  const [path, query] = splitOnce(url, '?');
  // An address in a path segment is found decoded (%40), and then logged decoded and masked.
  const decoded = safeDecode(path, false);
  const masked = maskEmails(decoded);
  const safePath = redactLinkTokens(masked === decoded ? path : masked).replace(
    LINK_TOKEN_IN_PATH,
    `$1${REDACTED}`,
  );
  if (query === undefined) return safePath;
  const safeQuery = query
    .split('&')
    .map((pair) => {
      const [key] = splitOnce(pair, '=');
      return isLoggedQueryParameter(safeDecode(key)) ? pair : `${key}=${REDACTED}`;
    })
    .join('&');
  return redactLinkTokens(`${safePath}?${maskEmails(safeQuery)}`);
}

// Bounded parts (RFC 5321's lengths), so that a long text without an address costs linear time.
const EMAIL = /[^\s@"'<>()[\],;:/?&=]{1,64}@[^\s@"'<>()[\],;:/?&=]{1,255}\.[a-z]{2,24}/gi;
/** Beyond this, a logged text is cut: a 16 kB URL is an attack or a bug, not a clue. */
const MAX_LOGGED_TEXT = 4096;

/** A safety net for free text (an error message quoting its input): e-mail addresses masked. */
export function maskEmails(text: string): string {
  const cut = text.length > MAX_LOGGED_TEXT ? `${text.slice(0, MAX_LOGGED_TEXT)}…[cut]` : text;
  return cut.replace(EMAIL, REDACTED);
}

/** Route parameters fit for a log line: redacted fields, and no e-mail address in a segment. */
export function redactParams(params: unknown): unknown {
  const masked = (value: unknown): unknown =>
    typeof value === 'string'
      ? maskEmails(value)
      : Array.isArray(value)
        ? value.map(masked)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, masked(item)]))
          : value;
  return masked(redactFields(params));
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `+` is a space in a query string, itself in a path. */
function safeDecode(text: string, plusIsSpace = true): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text);
  } catch {
    return text;
  }
}
