using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Transfer;

/// <summary>
/// A company as one portable JSON document (key = company id): its agents with their settings, the org chart,
/// the policies, schedules, workflow templates and knowledge spaces; never a secret.
/// </summary>
[Alias("fm.ICompanyTransferGrain")]
public interface ICompanyTransferGrain : IGrainWithStringKey
{
    /// <summary>The company's document (JSON text), in the current format version.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<string> ExportAsync(ExportCompanyQuery query);

    /// <summary>What importing the document would change in this company, writing nothing.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<ImportReportDto> PreviewImportAsync(ImportCompanyCommand command);

    /// <summary>Creates the document's contents in this company, which must be empty, in one transaction.</summary>
    Task<ImportReportDto> ImportAsync(ImportCompanyCommand command);
}
