namespace FluidManager.Grains.Interfaces.Transfer;

/// <summary>A company document (JSON text, as <see cref="ICompanyTransferGrain.ExportAsync"/> writes it) to import.</summary>
[GenerateSerializer]
[Alias("fm.transfer.ImportCompanyCommand")]
public sealed record ImportCompanyCommand([property: Id(0)] long CompanyId, [property: Id(1)] string Document);
