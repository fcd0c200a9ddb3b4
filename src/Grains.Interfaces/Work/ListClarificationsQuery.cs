namespace FluidManager.Grains.Interfaces.Work;

[GenerateSerializer]
[Alias("fm.work.ListClarificationsQuery")]
public sealed record ListClarificationsQuery(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] ClarificationStatus? Status = null,
    [property: Id(2)] long? TaskId = null,
    [property: Id(3)] int Limit = 200);
