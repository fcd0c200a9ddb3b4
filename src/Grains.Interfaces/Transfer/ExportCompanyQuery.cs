namespace FluidManager.Grains.Interfaces.Transfer;

/// <summary>Exports a company; <see cref="Documents"/> adds the knowledge documents' metadata and text.</summary>
[GenerateSerializer]
[Alias("fm.transfer.ExportCompanyQuery")]
public sealed record ExportCompanyQuery([property: Id(0)] long CompanyId, [property: Id(1)] bool Documents = false);
