namespace FluidManager.Grains.Workflows;

/// <summary>The statements over workflow runs, their steps and the tasks the steps ran as.</summary>
internal static class WorkflowRunSql
{
    public const string InsertRun = """
        INSERT INTO workflow_runs (company_id, workflow_id, workflow_version, status, inputs, started_by, created_at, updated_at)
        VALUES (@company_id, @workflow_id, @workflow_version, 'running', @inputs::json, @started_by, @now, @now)
        RETURNING id
        """;

    public const string InsertStep = """
        INSERT INTO workflow_run_steps (company_id, run_id, step_key, position) VALUES (@company_id, @run_id, @step_key, @position)
        """;

    public const string Run = """
        SELECT r.id, r.company_id, r.workflow_id, r.workflow_version, r.status, r.inputs::text AS inputs, r.error, r.started_by,
               r.created_at, r.updated_at, r.finished_at, v.definition::text AS definition
        FROM workflow_runs r JOIN workflow_versions v ON v.workflow_id = r.workflow_id AND v.version = r.workflow_version
        WHERE r.id = @id AND r.company_id = @company_id
        """;

    public const string Steps = """
        SELECT step_key, position, status, attempt, task_id, agent_id, result::text AS result, error, retry_at, started_at, finished_at
        FROM workflow_run_steps WHERE run_id = @run_id ORDER BY position
        """;

    /// <summary>Each step's tasks (one per attempt) and their cost from the spend view.</summary>
    public const string StepCosts = """
        SELECT t.step_key, array_agg(t.task_id ORDER BY t.attempt, t.task_id) AS task_ids, COALESCE(sum(s.cost), 0) AS cost
        FROM workflow_step_tasks t
        LEFT JOIN spend_by_task s ON s.task_id = t.task_id AND s.company_id = t.company_id
        WHERE t.run_id = @run_id
        GROUP BY t.step_key
        """;

    public const string UpdateRun = """
        UPDATE workflow_runs SET status = @status, error = @error, finished_at = @finished_at, updated_at = @now
        WHERE id = @id
        """;

    public const string UpdateStep = """
        UPDATE workflow_run_steps
        SET status = @status, attempt = @attempt, task_id = @task_id, agent_id = @agent_id, result = @result::json, error = @error,
            retry_at = @retry_at, started_at = @started_at, finished_at = @finished_at
        WHERE run_id = @run_id AND step_key = @step_key
        """;

    public const string InsertStepTask = """
        INSERT INTO workflow_step_tasks (task_id, company_id, run_id, step_key, attempt) VALUES (@task_id, @company_id, @run_id, @step_key, @attempt)
        """;

    /// <summary>The step a task runs for, if any (read when a task ends).</summary>
    public const string StepOfTask = "SELECT run_id, step_key, attempt FROM workflow_step_tasks WHERE task_id = @task_id";

    /// <summary>The company of a run, for a reminder's turn (0 when the run is gone).</summary>
    public const string CompanyOfRun = "SELECT COALESCE((SELECT company_id FROM workflow_runs WHERE id = @id), 0)";

    public const string RunsOfWorkflow = """
        SELECT id FROM workflow_runs WHERE company_id = @company_id AND workflow_id = @workflow_id ORDER BY id DESC LIMIT 200
        """;
}
