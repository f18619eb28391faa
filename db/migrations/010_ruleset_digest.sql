-- Every capture and re-engagement loads the active ruleset, and each process
-- keeps validated content by version and content digest (db/rulesets.ts). The
-- digest was computed on every load: the content (some 8 KB) turned to text
-- and hashed, about half of that query's time in PostgreSQL. Stored with the
-- row it is computed once per write instead, and still follows any change to
-- the content, by hand in SQL included.
ALTER TABLE rulesets ADD COLUMN digest text GENERATED ALWAYS AS (md5(content::text)) STORED;
