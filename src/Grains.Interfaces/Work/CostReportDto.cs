namespace FluidManager.Grains.Interfaces.Work;

public sealed record CostReportDto(CostGroupBy GroupBy, DateOnly? From, DateOnly? To, IReadOnlyList<CostRowDto> Rows, CostRowDto Total);
