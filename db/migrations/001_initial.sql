-- LeadGate read model, audit trail, reps, outbox and API keys.
-- The Temporal workflow is the source of truth for a lead's live state; these
-- tables are what lists, reports, assignment and notifications are built from.

CREATE TABLE rulesets (
  version     text PRIMARY KEY,
  content     jsonb NOT NULL,
  active      boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- At most one ruleset is active: the one new runs load.
CREATE UNIQUE INDEX rulesets_one_active ON rulesets (active) WHERE active;

CREATE TABLE leads (
  lead_id              text PRIMARY KEY,
  contact_email        text NOT NULL,
  company_domain       text NOT NULL,
  company_name         text NOT NULL,
  source               text NOT NULL,
  primary_interest     text NOT NULL,
  intake               jsonb NOT NULL,
  stage                text NOT NULL,
  lifecycle            text NOT NULL DEFAULT 'lead',
  team                 text,
  owner_rep_id         text,
  escalated            boolean NOT NULL DEFAULT false,
  sla_due_at           timestamptz,
  scores               jsonb,
  score_total          integer,
  route                jsonb,
  outcome_status       text,
  outcome              jsonb,
  nurture_reengage_at  timestamptz,
  nurture_cycle        integer NOT NULL DEFAULT 0,
  ruleset_version      text,
  -- The workflow's event sequence at the last write: a late retry never overwrites newer state.
  last_event_seq       integer NOT NULL DEFAULT -1,
  -- The whole LeadView as last written, for reads that do not need the live workflow.
  view                 jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  stage_entered_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (contact_email, company_domain)
);
CREATE INDEX leads_stage ON leads (stage, created_at, lead_id);
CREATE INDEX leads_team ON leads (team, created_at, lead_id);
CREATE INDEX leads_owner ON leads (owner_rep_id, created_at, lead_id);
CREATE INDEX leads_outcome ON leads (outcome_status, created_at, lead_id);
CREATE INDEX leads_created ON leads (created_at, lead_id);

-- Append-only audit trail. event_key makes every write idempotent under retry.
CREATE TABLE lead_events (
  id           bigserial PRIMARY KEY,
  lead_id      text NOT NULL REFERENCES leads (lead_id),
  event_key    text NOT NULL UNIQUE,
  type         text NOT NULL,
  stage        text,
  data         jsonb NOT NULL DEFAULT '{}'::jsonb,
  reasons      jsonb NOT NULL DEFAULT '[]'::jsonb,
  actor        text,
  occurred_at  timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lead_events_lead ON lead_events (lead_id, id);
CREATE INDEX lead_events_type ON lead_events (type, occurred_at);

-- One outcome per lead per qualification cycle (a nurture cycle starts a new one).
CREATE TABLE lead_outcomes (
  lead_id      text NOT NULL REFERENCES leads (lead_id),
  cycle        integer NOT NULL,
  status       text NOT NULL,
  reasons      jsonb NOT NULL,
  note         text NOT NULL,
  next_action  text NOT NULL,
  handoff      jsonb,
  decided_at   timestamptz NOT NULL,
  PRIMARY KEY (lead_id, cycle)
);
CREATE INDEX lead_outcomes_status ON lead_outcomes (status, decided_at);

CREATE TABLE reps (
  rep_id        text PRIMARY KEY,
  name          text NOT NULL,
  email         text,
  team          text NOT NULL,
  capacity      integer NOT NULL DEFAULT 25 CHECK (capacity >= 0),
  is_team_lead  boolean NOT NULL DEFAULT false,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reps_team ON reps (team, rep_id);

-- Which rep owns a lead in a given routing cycle; the key makes assignRep idempotent.
CREATE TABLE rep_assignments (
  lead_id      text NOT NULL REFERENCES leads (lead_id),
  cycle        integer NOT NULL,
  rep_id       text REFERENCES reps (rep_id),
  team         text NOT NULL,
  open         boolean NOT NULL DEFAULT true,
  assigned_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (lead_id, cycle)
);
CREATE INDEX rep_assignments_open ON rep_assignments (rep_id) WHERE open;

-- Round-robin position per team.
CREATE TABLE team_cursors (
  team         text PRIMARY KEY,
  last_rep_id  text
);

-- Messages to reps and team leads; a separate loop delivers them with retries.
CREATE TABLE notification_outbox (
  id               bigserial PRIMARY KEY,
  message_key      text NOT NULL UNIQUE,
  lead_id          text NOT NULL,
  kind             text NOT NULL,
  recipient_rep_id text,
  recipient_team   text,
  payload          jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  last_error       text
);
CREATE INDEX notification_outbox_pending ON notification_outbox (next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE api_keys (
  key_id      text PRIMARY KEY,
  key_hash    text NOT NULL UNIQUE,
  role        text NOT NULL CHECK (role IN ('intake', 'rep', 'manager')),
  rep_id      text REFERENCES reps (rep_id),
  label       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  CHECK (role <> 'rep' OR rep_id IS NOT NULL)
);

-- Intake idempotency: the same Idempotency-Key always answers with the same lead.
CREATE TABLE intake_idempotency (
  idempotency_key  text PRIMARY KEY,
  lead_id          text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
