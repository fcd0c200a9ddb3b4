namespace FluidManager.Grains.Interfaces.Work;

public sealed record ListClarificationsQuery(long CompanyId, ClarificationStatus? Status = null, long? TaskId = null, int Limit = 200);
