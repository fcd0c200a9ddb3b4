-- A parent task learns of its subtasks' changes from messages applied in its own turns, some time after the
-- changes committed, so several of them may find every subtask finished. The parent announces it once: it keeps
-- here how many subtasks it had when it last did (a new subtask, once finished too, is announced again).
ALTER TABLE tasks ADD COLUMN subtasks_finished_announced int NULL;
COMMENT ON COLUMN tasks.subtasks_finished_announced IS 'The subtask count at the last task.subtasks_finished event of this task; null before the first.';
