namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>
/// Records policy denials (key = company id). Called in a turn of its own, so the denial survives
/// the rollback of the refused command's turn.
/// </summary>
[Alias("fm.IPolicyAuditGrain")]
public interface IPolicyAuditGrain : IGrainWithStringKey
{
    Task RecordDenialAsync(PolicyDenial denial);
}
