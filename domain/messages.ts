/**
 * What a caller is told when a payload field is refused. Shared by the zod
 * schemas (API) and the workflow's payload guards, so both speak alike.
 */
export const MESSAGES = {
  empty: 'Must not be empty',
  tooShort: (min: number) => `Must be at least ${min} characters`,
  tooLong: (max: number) => `Must be at most ${max} characters`,
  nul: 'Must not contain NUL characters (\\u0000)',
  email: 'Enter a valid email address, e.g. jane@acme.com',
  emailTooLong: 'Email must be at most 254 characters',
  domain: 'Enter the company website domain, e.g. acme.com',
  domainTooLong: 'Domain must be at most 253 characters',
  isoDate: 'Use an ISO date, e.g. 2026-03-31',
  isoDateTime: 'Use an ISO date-time with offset, e.g. 2026-03-31T09:00:00Z',
  employeeCount: 'Employee count must be a whole number',
  endpoints: 'Endpoints must be a whole number',
  needConfirmed: 'needConfirmed must be true or false',
  vagueNote:
    'Note is too vague: name the security need, the scope and the next step (e.g. "No log access for SIEM; revisit after Q3 migration")',
} as const;

/** Length limits shared with those messages. */
export const EMAIL_MAX = 254;
export const DOMAIN_MAX = 253;
