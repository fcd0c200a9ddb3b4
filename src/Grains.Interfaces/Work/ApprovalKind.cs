namespace FluidManager.Grains.Interfaces.Work;

/// <summary>What an approval request is about.</summary>
[GenerateSerializer]
[Alias("fm.work.ApprovalKind")]
public enum ApprovalKind
{
    Publication,
    Spending,
    External,

    /// <summary>An agent or the company ran out of budget; approving raises the limit named in the request.</summary>
    BudgetRaise,

    Other,
}
