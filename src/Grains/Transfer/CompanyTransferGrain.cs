using System.Text.Json.Nodes;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Transfer;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Grains.Transfer;

/// <summary>
/// Exports a company as one document and imports one into an empty company (key = company id). The
/// sections (see <see cref="ICompanySection"/>) call the grains that own each kind, inside this grain's turn:
/// an import is one transaction, so a refused item leaves nothing behind.
/// </summary>
[GrainType("company-transfer")]
public sealed class CompanyTransferGrain(ITurnContext context, IServiceProvider services) : DurableGrain, ICompanyTransferGrain
{
    public const string ImportedEvent = "company.imported";

    protected override ITurnContext Turn => context;

    private IReadOnlyList<ICompanySection> Sections => [.. services.GetServices<ICompanySection>().OrderBy(s => s.Order)];

    public async Task<string> ExportAsync(ExportCompanyQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        var sections = await ExportSectionsAsync(new TransferScope(context, companyId, query.Documents));
        var name = await context.Sql(TransferSql.CompanyName).With("company_id", companyId).ScalarAsync<string>() ?? "";
        return CompanyDocument.Create(name, context.Now, sections).ToJsonString(TransferScope.Json);
    }

    public async Task<ImportReportDto> PreviewImportAsync(ImportCompanyCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var sections = Sections;
        var incoming = CompanyDocument.Read(command.Document, [.. sections]);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        var current = await ExportSectionsAsync(new TransferScope(context, companyId, documents: false));
        return new ImportReportDto(true, CompanyDocument.FormatVersion, CompanyDocument.Compare(sections, current, incoming), new Dictionary<string, long>());
    }

    public async Task<ImportReportDto> ImportAsync(ImportCompanyCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var sections = Sections;
        var incoming = CompanyDocument.Read(command.Document, [.. sections]);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        var scope = new TransferScope(context, companyId, documents: false);

        var held = new List<string>();
        foreach (var section in sections)
        {
            if (await section.CountAsync(scope) is var count and > 0)
            {
                held.Add($"{count} {section.Name}");
            }
        }

        if (await context.Sql(TransferSql.TaskCount).With("company_id", companyId).ScalarAsync<int>() is var tasks and > 0)
        {
            held.Add($"{tasks} tasks");
        }

        if (held.Count > 0)
        {
            throw new ConflictException(
                $"The company is not empty (it holds {string.Join(", ", held)}): import into a new company, or add dryRun=true to see the differences.",
                "company.not_empty");
        }

        var before = await ExportSectionsAsync(new TransferScope(context, companyId, documents: false));
        foreach (var section in sections)
        {
            if (incoming[section.Name] is { } node)
            {
                await section.ImportAsync(scope, node);
            }
        }

        var report = new ImportReportDto(false, CompanyDocument.FormatVersion, CompanyDocument.Compare(sections, before, incoming),
            new Dictionary<string, long>(scope.AgentIds, StringComparer.Ordinal));
        await context.PublishAsync(Streams.Company(companyId), ImportedEvent, report, companyId);
        return report;
    }

    private async Task<JsonObject> ExportSectionsAsync(TransferScope scope)
    {
        var document = new JsonObject();
        foreach (var section in Sections)
        {
            document[section.Name] = await section.ExportAsync(scope);
        }

        return document;
    }
}
