-- What the public API needs beyond the read model the workflow writes.

-- An Idempotency-Key answers with its first lead only for the same request body;
-- the fingerprint lets a reuse with a different body be refused.
ALTER TABLE intake_idempotency ADD COLUMN request_hash text;

-- Findings a rep submitted through the API, per lead and qualification cycle:
-- what "what-if" simulation re-decides past leads from.
CREATE TABLE lead_findings (
  lead_id       text NOT NULL REFERENCES leads (lead_id),
  cycle         integer NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('discovery', 'scope', 'commercial')),
  payload       jsonb NOT NULL,
  submitted_by  text,
  submitted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (lead_id, cycle, kind)
);

-- Reports and simulation select leads by ruleset version and creation time.
CREATE INDEX leads_ruleset ON leads (ruleset_version, created_at, lead_id);
CREATE INDEX api_keys_rep ON api_keys (rep_id) WHERE revoked_at IS NULL;
