-- An approval may hold a tool call (a per-agent tool whose class the approval_required rules name):
-- the tool as the agent saw it, its server, class and arguments. Approving runs the call; rejecting
-- answers the agent with the reason; the task goes on either way.
ALTER TABLE approvals ADD COLUMN tool jsonb NULL;
