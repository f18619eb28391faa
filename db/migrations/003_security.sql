-- Request budgets shared by every API process: one row per bucket (an API key,
-- a client IP, a key's intake rows), counting what was used since the bucket's
-- window started. A request that would go over the limit changes nothing.
CREATE TABLE rate_limits (
  bucket        text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  used          integer NOT NULL CHECK (used >= 0)
);

-- Expired buckets are swept now and then; this keeps the sweep an index scan.
CREATE INDEX rate_limits_window ON rate_limits (window_start);
