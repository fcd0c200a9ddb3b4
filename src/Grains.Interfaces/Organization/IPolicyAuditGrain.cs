namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>
/// Records policy denials (key = company id). Called in a turn of its own, so the denial survives
/// the rollback of the refused command's turn.
/// </summary>
public interface IPolicyAuditGrain
{
    Task RecordDenialAsync(PolicyDenial denial);
}
