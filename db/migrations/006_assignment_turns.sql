-- Each move of a team's round-robin cursor counts a turn. An assignment moves
-- the cursor only from the turn its pick was read at, so of two assignments
-- racing in one team exactly one lands and the other picks again: no lock is
-- held while a rep is picked, and a cursor that came back to the same rep in
-- between (A -> B -> A) is still seen to have moved.
ALTER TABLE team_cursors ADD COLUMN turns bigint NOT NULL DEFAULT 0;
