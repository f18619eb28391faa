-- The console: people sign in with their own login (a role and, for reps, the
-- rep they act as, exactly like an API key), hold server-side sessions, and
-- managers publish rulesets with a record of who published what and when.

CREATE TABLE users (
  user_id          text PRIMARY KEY,
  email            text NOT NULL,
  name             text NOT NULL,
  -- bcrypt (cost and salt inside the hash); never the password itself.
  password_hash    text NOT NULL,
  role             text NOT NULL CHECK (role IN ('rep', 'manager')),
  rep_id           text REFERENCES reps (rep_id),
  active           boolean NOT NULL DEFAULT true,
  created_by       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  deactivated_at   timestamptz,
  CHECK (role <> 'rep' OR rep_id IS NOT NULL),
  CHECK (role = 'rep' OR rep_id IS NULL)
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

-- Failed sign-ins per presented email (its SHA-256, so unknown emails leave no
-- readable trace), known or not: both get the same backoff, so the lockout says
-- nothing about which emails have a login.
CREATE TABLE login_throttle (
  email_hash      text PRIMARY KEY,
  failures        integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  last_failure_at timestamptz NOT NULL DEFAULT now()
);

-- A session is stored by the SHA-256 of its cookie value; the CSRF token is
-- the synchronizer token every state-changing call must echo in a header.
CREATE TABLE user_sessions (
  session_hash  text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users (user_id),
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz
);
CREATE INDEX user_sessions_user ON user_sessions (user_id) WHERE ended_at IS NULL;

-- Every publication of a ruleset: which version became active, who did it, when.
CREATE TABLE ruleset_publications (
  id            bigserial PRIMARY KEY,
  version       text NOT NULL REFERENCES rulesets (version),
  published_by  text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now()
);
