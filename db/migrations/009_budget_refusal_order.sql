-- take_budgets (007) named, of several spent budgets, the one whose window
-- ends last. A request over its client address's budget with a good key could
-- then hear "per API key" where a bad key hears "per client address": the
-- answer told keys apart. It now names the first spent budget in the order the
-- caller gives them (the address first), so over the address's budget every
-- key gets the same 429.
CREATE OR REPLACE FUNCTION take_budgets(buckets text[], costs integer[], limits integer[], window_seconds integer,
                                        OUT refused text, OUT retry_after integer)
LANGUAGE plpgsql AS $$
DECLARE
  b record;
BEGIN
  BEGIN
    FOR b IN SELECT * FROM unnest(buckets, costs, limits) AS w(bucket, cost, lim) ORDER BY bucket LOOP
      INSERT INTO rate_limits AS r (bucket, window_start, used) VALUES (b.bucket, now(), b.cost)
      ON CONFLICT (bucket) DO UPDATE SET
        window_start = CASE WHEN r.window_start <= now() - make_interval(secs => window_seconds) THEN now() ELSE r.window_start END,
        used = CASE WHEN r.window_start <= now() - make_interval(secs => window_seconds) THEN EXCLUDED.used ELSE r.used + EXCLUDED.used END
      WHERE r.window_start <= now() - make_interval(secs => window_seconds) OR r.used + EXCLUDED.used <= b.lim;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'request budget spent';
      END IF;
    END LOOP;
  EXCEPTION WHEN raise_exception THEN
    -- The block's takes are rolled back; name the first spent budget as given, and how long until it has room.
    SELECT w.bucket, GREATEST(1, CEIL(EXTRACT(EPOCH FROM (r.window_start + make_interval(secs => window_seconds) - now()))))::integer
      INTO refused, retry_after
      FROM unnest(buckets, costs, limits) WITH ORDINALITY AS w(bucket, cost, lim, position) JOIN rate_limits r ON r.bucket = w.bucket
      WHERE r.window_start > now() - make_interval(secs => window_seconds) AND r.used + w.cost > w.lim
      ORDER BY w.position
      LIMIT 1;
    -- The spent window ended in the meantime: the caller may retry at once.
    IF refused IS NULL THEN
      SELECT b.bucket, 1 INTO refused, retry_after;
    END IF;
  END;
END $$;
