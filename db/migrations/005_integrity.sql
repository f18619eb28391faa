-- A system of record for lead decisions: durable intake, reopened leads, no broken active ruleset.

-- Every intake is written here before Temporal is asked to start or signal the lead, so a
-- submission Temporal cannot take right now is kept and handed over later by the relay.
-- claimed_until is a lease: whoever is handing a row over (the request, or one relay) owns it until then.
CREATE TABLE intake_outbox (
  submission_id  text PRIMARY KEY,
  lead_id        text NOT NULL,
  submission     jsonb NOT NULL,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'handed_over')),
  -- What the hand-over answered (accepted, duplicate, reopened, recorded).
  result         text,
  attempts       integer NOT NULL DEFAULT 0,
  claimed_until  timestamptz NOT NULL DEFAULT now(),
  last_error     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  handed_over_at timestamptz
);
CREATE INDEX intake_outbox_pending ON intake_outbox (claimed_until, created_at) WHERE status = 'pending';

-- One row per reopened cycle: why, by whom, and the manager's note.
CREATE TABLE lead_reopens (
  lead_id       text NOT NULL REFERENCES leads (lead_id),
  cycle         integer NOT NULL,
  reason        text NOT NULL CHECK (reason IN ('resubmitted', 'reopened_by_manager')),
  actor         text,
  note          text,
  submission_id text NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (lead_id, cycle)
);

-- The full check runs on activation (db/rulesets.ts); this cheap one stops an active row that is
-- not even a ruleset-shaped object, however it was written. NOT VALID: existing rows are not re-read.
ALTER TABLE rulesets ADD CONSTRAINT rulesets_active_is_a_ruleset CHECK (
  NOT active OR (
    jsonb_typeof(content) = 'object'
    AND content ?& ARRAY['version', 'icp', 'roles', 'hygiene', 'fit', 'routing', 'sla', 'weights', 'outcome', 'engagement', 'nurture']
  )
) NOT VALID;
