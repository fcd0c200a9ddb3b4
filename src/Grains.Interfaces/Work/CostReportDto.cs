namespace FluidManager.Grains.Interfaces.Work;

[GenerateSerializer]
[Alias("fm.work.CostReportDto")]
public sealed record CostReportDto(
    [property: Id(0)] CostGroupBy GroupBy,
    [property: Id(1)] DateOnly? From,
    [property: Id(2)] DateOnly? To,
    [property: Id(3)] IReadOnlyList<CostRowDto> Rows,
    [property: Id(4)] CostRowDto Total);
