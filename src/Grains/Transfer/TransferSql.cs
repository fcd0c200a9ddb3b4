namespace FluidManager.Grains.Transfer;

/// <summary>The statements of the company transfer itself (the sections work through the grains).</summary>
internal static class TransferSql
{
    public const string CompanyName = "SELECT name FROM companies WHERE id = @company_id";

    /// <summary>Tasks make a company non-empty too, though no section carries them.</summary>
    public const string TaskCount = "SELECT count(*)::int FROM tasks WHERE company_id = @company_id";

    public const string WorkflowName = "SELECT name FROM workflows WHERE company_id = @company_id AND id = @id";

    public const string WorkflowByName = "SELECT COALESCE((SELECT id FROM workflows WHERE company_id = @company_id AND lower(name) = lower(@name)), 0)";
}
