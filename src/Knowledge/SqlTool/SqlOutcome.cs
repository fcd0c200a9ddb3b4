namespace FluidManager.Knowledge.SqlTool;

/// <summary>How an agent's statement ended.</summary>
public enum SqlOutcome
{
    /// <summary>It ran; rows were returned (perhaps cut at the row or byte limit).</summary>
    Ok,

    /// <summary>PostgreSQL or the tool refused it: no right, a view not granted, a write in a read-only transaction.</summary>
    Denied,

    /// <summary>It is not one valid read-only query (syntax, unknown relation or function, too long).</summary>
    Invalid,

    /// <summary>It ran longer than the statement timeout and was cancelled.</summary>
    Timeout,

    /// <summary>It failed for another reason (or the tool is disabled).</summary>
    Error,
}
