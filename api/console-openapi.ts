/** The console's endpoints in the generated OpenAPI document (see openapi.ts). */
import {
  CreatedLoginSchema,
  NewRepSchema,
  NewUserSchema,
  PublicationListSchema,
  PublicationSchema,
  PublishRequestSchema,
  RepLoadListSchema,
  SessionSchema,
  SignInSchema,
  UserListSchema,
} from './console-schemas';
import type { Operation } from './openapi';

export const CONSOLE_COMPONENTS = {
  SignIn: SignInSchema,
  Session: SessionSchema,
  NewRep: NewRepSchema,
  RepLoadList: RepLoadListSchema,
  NewUser: NewUserSchema,
  UserList: UserListSchema,
  CreatedLogin: CreatedLoginSchema,
  PublishRequest: PublishRequestSchema,
  Publication: PublicationSchema,
  PublicationList: PublicationListSchema,
};

const SESSION_NOTE = 'With the session cookie instead of a key, send the session\'s `csrfToken` in `X-CSRF-Token` on every state-changing call (403 without it).';

export const CONSOLE_OPERATIONS: Operation[] = [
  {
    method: 'post', path: '/v1/session', summary: 'Sign in to the console', body: 'SignIn',
    description: 'Sets an HttpOnly, SameSite=Strict session cookie `lg_session`. A wrong password and an unknown email get the same 401; repeated failures lock the email (429 with Retry-After), known or not.',
    ok: { status: 201, schema: 'Session', description: 'Signed in' },
    errors: [401, 415, 422, 429],
  },
  {
    method: 'get', path: '/v1/session', summary: 'The signed-in person (session cookie)',
    ok: { status: 200, schema: 'Session', description: 'Who is signed in, and the CSRF token' },
    errors: [401],
  },
  {
    method: 'delete', path: '/v1/session', summary: 'Sign out (session cookie)', description: SESSION_NOTE,
    ok: { status: 204, description: 'Signed out; the cookie is cleared' },
    errors: [401, 403],
  },
  {
    method: 'post', path: '/v1/rules', summary: 'Publish a ruleset', roles: ['manager'], body: 'PublishRequest',
    description: 'Validated with the domain\'s parser (422 naming each path, e.g. `ruleset.sla.urgent`), then made the active ruleset: new qualification cycles load it, leads keep the version that decided them. Who published it and when is recorded.',
    ok: { status: 201, schema: 'Publication', description: 'Published' },
    errors: [400, 401, 403, 413, 415, 422],
  },
  {
    method: 'get', path: '/v1/rules/publications', summary: 'Recent publications', roles: ['manager'],
    ok: { status: 200, schema: 'PublicationList', description: 'Newest first' },
    errors: [401, 403],
  },
  {
    method: 'get', path: '/v1/reps', summary: 'Reps and their load', roles: ['manager'],
    ok: { status: 200, schema: 'RepLoadList', description: 'Open leads per rep against capacity' },
    errors: [401, 403],
  },
  {
    method: 'post', path: '/v1/reps', summary: 'Add a rep', roles: ['manager'], body: 'NewRep',
    ok: { status: 201, schema: 'NewRep', description: 'Added; leads of the team can route to them' },
    errors: [400, 401, 403, 415, 422],
  },
  {
    method: 'post', path: '/v1/reps/{repId}/deactivate', summary: 'Take a rep off routing', roles: ['manager'],
    pathParams: [{ name: 'repId', description: 'Rep id' }],
    ok: { status: 200, description: 'Deactivated; their open leads stay theirs' },
    errors: [401, 403, 404],
  },
  {
    method: 'get', path: '/v1/users', summary: 'Console logins', roles: ['manager'],
    ok: { status: 200, schema: 'UserList', description: 'Every login (never a password)' },
    errors: [401, 403],
  },
  {
    method: 'post', path: '/v1/users', summary: 'Add a console login', roles: ['manager'], body: 'NewUser',
    ok: { status: 201, schema: 'CreatedLogin', description: 'Created, with its generated password shown this once' },
    errors: [400, 401, 403, 415, 422],
  },
  {
    method: 'post', path: '/v1/users/{userId}/deactivate', summary: 'Deactivate a login', roles: ['manager'],
    pathParams: [{ name: 'userId', description: 'User id (u_...)' }],
    ok: { status: 200, description: 'Deactivated; its sessions end at once' },
    errors: [401, 403, 404],
  },
  {
    method: 'get', path: '/v1/leads/{id}/intake', summary: 'What the lead submitted', roles: ['rep', 'manager'], pathId: true,
    description: 'Company, contact, message and environment as last submitted; for the owning rep or a manager.',
    ok: { status: 200, schema: 'LeadIntake', description: 'The submission' },
    errors: [401, 403, 404],
  },
];
