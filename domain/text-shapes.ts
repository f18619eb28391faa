/**
 * Shapes of the free-text fields that carry structure: emails, company
 * domains, calendar dates and date-times. Plain functions with no
 * dependencies, so the API's zod schemas and the workflow's guards share them.
 */

const EMAIL_SHAPE = /^[a-z0-9_'+-]+(?:\.[a-z0-9_'+-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

/** True when an (already lowercased) address has the shape of a deliverable email. */
export function isEmailShape(email: string): boolean {
  return EMAIL_SHAPE.test(email);
}

/**
 * Company domains arrive as URLs, with `www.`, paths or a trailing dot; the
 * lead id and the email/company consistency check need one canonical form.
 */
export function normaliseDomain(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.+$/, '')
    .replace(/^www\./, '');
}

const DOMAIN_SHAPE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** True when an (already normalised) domain looks like a registrable host name. */
export function isDomainShape(domain: string): boolean {
  return DOMAIN_SHAPE.test(domain);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day (2026-02-30 is refused), checked without `Date`, which the workflow sandbox replaces. */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

// zod 4's `z.iso.datetime({ offset: true })` pattern (regexes.datetime in zod/v4/core), copied so the
// workflow's guards accept exactly what the API's schema accepts; the property test holds them together.
const ISO_DATE_TIME_OFFSET =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;

/** An RFC 3339 date-time with seconds and a `Z` or `±hh:mm` offset, on a real calendar day. */
export function isIsoDateTimeWithOffset(value: string): boolean {
  return ISO_DATE_TIME_OFFSET.test(value);
}

/** PostgreSQL stores no NUL character in text or JSON; free text carrying one is refused at the door. */
export function hasNoNul(value: string): boolean {
  return !value.includes('\u0000');
}
