namespace FluidManager.Grains.Workflows;

/// <summary>The statements a workflow grain runs over its triggers' firings (the triggers themselves are kept by the Knowledge library).</summary>
internal static class WorkflowTriggerSql
{
    public const string TriggerOfWorkflow = """
        SELECT EXISTS (SELECT 1 FROM workflow_triggers WHERE id = @id AND company_id = @company_id AND workflow_id = @workflow_id AND enabled)
        """;

    /// <summary>The run a delivery already started (0 when none); uses workflow_trigger_firings_delivery_uq.</summary>
    public const string RunOfDelivery = """
        SELECT COALESCE((SELECT run_id FROM workflow_trigger_firings WHERE trigger_id = @trigger_id AND delivery_id = @delivery_id AND outcome = 'started'), 0)
        """;

    public const string InsertStartedFiring = """
        INSERT INTO workflow_trigger_firings (company_id, trigger_id, delivery_id, outcome, run_id, event_position, event_type, depth, created_at)
        VALUES (@company_id, @trigger_id, @delivery_id, 'started', @run_id, @event_position, @event_type, @depth, @now)
        """;

    /// <summary>How many trigger firings led to the run.</summary>
    public const string SetRunDepth = "UPDATE workflow_runs SET trigger_depth = @depth WHERE company_id = @company_id AND id = @run_id";
}
