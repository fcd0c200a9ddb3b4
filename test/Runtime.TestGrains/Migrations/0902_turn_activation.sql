-- Each turn record names the activation that ran it (a Guid made when Orleans created the
-- activation), beside its silo: the chaos check tells re-activations apart from overlapping turns.
ALTER TABLE testgrains.turns ADD COLUMN activation uuid;
