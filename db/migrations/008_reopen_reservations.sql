-- A reopen is written before its run is started, under the lead's row lock, so
-- a resubmission recorded on the closed cycle either lands first (and the new
-- run's events continue after it) or sees the reopen and goes to the new run:
-- the two never take the same event sequence number.
--
-- started: the next cycle's run was started (every row before this migration was).
-- reserved_until: until when a reopen not yet started holds the closed cycle;
-- past it (the reopener went away before starting the run) the cycle is the
-- closed lead's again, and the next reopen takes the row over.
ALTER TABLE lead_reopens ADD COLUMN started boolean NOT NULL DEFAULT true;
ALTER TABLE lead_reopens ADD COLUMN reserved_until timestamptz;
