using System.Text.Json;
using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Transfer;
using FluidManager.Grains.Storage;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>
/// The whole company as one JSON document: export it, compare a document with the company (dry run), or
/// import one into an empty company. Secrets (MCP server secrets, the SMTP password, API tokens, users and
/// their passwords) are never part of it.
/// </summary>
public static class CompanyTransferApi
{
    public static IEndpointRouteBuilder MapCompanyTransferApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/company").WithTags("Company transfer");

        group.MapGet("/export", ExportAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ExportCompany")
            .WithSummary("The company as one JSON document (format version 1): agents with their settings and place in the org chart, company policy, hierarchy rules, schedules, workflow templates and knowledge spaces with their ACL; documents' contents with documents=true. Never a secret.");

        group.MapPost("/import", ImportAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ImportCompany")
            .WithSummary("Creates a company document's contents in this company, which must be empty (409 company.not_empty), in one transaction. dryRun=true writes nothing and lists what differs from the company, section by section. An unknown formatVersion is refused (400).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<ContentHttpResult> ExportAsync(bool? documents, ICompanyContext caller, IGrainFactory grains, IObjectStore store, CancellationToken cancellationToken)
    {
        var document = await grains.GetGrain<ICompanyTransferGrain>(caller.CompanyId).ExportAsync(new ExportCompanyQuery(caller.CompanyId, documents == true));
        if (documents == true)
        {
            document = await new CompanyDocuments(grains, store).AddContentsAsync(document, cancellationToken);
        }

        return TypedResults.Text(document, "application/json");
    }

    private static async Task<Ok<ImportReportDto>> ImportAsync(
        JsonElement? body, bool? dryRun, ICompanyContext caller, IGrainFactory grains, IObjectStore store, CancellationToken cancellationToken)
    {
        if (body is not { ValueKind: JsonValueKind.Object } document)
        {
            throw new ValidationException("document", "the request body must be a company document (a JSON object)");
        }

        var text = document.GetRawText();
        var grain = grains.GetGrain<ICompanyTransferGrain>(caller.CompanyId);
        if (dryRun == true)
        {
            return TypedResults.Ok(await grain.PreviewImportAsync(new ImportCompanyCommand(caller.CompanyId, text)));
        }

        var report = await grain.ImportAsync(new ImportCompanyCommand(caller.CompanyId, text));
        await new CompanyDocuments(grains, store).UploadContentsAsync(caller.CompanyId, document, cancellationToken);
        return TypedResults.Ok(report);
    }
}
