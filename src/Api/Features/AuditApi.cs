using System.Globalization;
using System.Text;
using CsvHelper;
using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Knowledge.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>
/// One filtered view over the company's audits (SQL statements, web requests, knowledge retrievals, tool calls,
/// policy denials, decided approvals), each entry with its agent and task, and the same as CSV.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListAudit")
            .WithSummary("Audit entries newest first; filters agentId, kind (sql, web, retrieval, tool, policy_denial, approval), outcome, from and to (at, from included), taskId, limit (1-10000, default 200).")
            .ProducesValidationProblem();

        group.MapGet("/export.csv", ExportAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ExportAudit")
            .WithSummary("The same entries and filters as CSV (RFC 4180, a header row; limit default and maximum 10000).")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem();

        return app;
    }

    private static async Task<Ok<IReadOnlyList<AuditEntry>>> ListAsync(
        ICompanyContext caller, AuditLog audit, CancellationToken cancellationToken,
        long? agentId = null, string? kind = null, string? outcome = null, DateTimeOffset? from = null, DateTimeOffset? to = null, long? taskId = null, int? limit = null) =>
        TypedResults.Ok(await audit.ListAsync(Filter(caller, agentId, kind, outcome, from, to, taskId, limit ?? 200), cancellationToken));

    private static async Task<FileContentHttpResult> ExportAsync(
        ICompanyContext caller, AuditLog audit, CancellationToken cancellationToken,
        long? agentId = null, string? kind = null, string? outcome = null, DateTimeOffset? from = null, DateTimeOffset? to = null, long? taskId = null, int? limit = null)
    {
        var entries = await audit.ListAsync(Filter(caller, agentId, kind, outcome, from, to, taskId, limit ?? AuditLog.MaxLimit), cancellationToken);
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        await using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            await csv.WriteRecordsAsync(entries, cancellationToken);
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", "audit.csv");
    }

    private static AuditFilter Filter(ICompanyContext caller, long? agentId, string? kind, string? outcome, DateTimeOffset? from, DateTimeOffset? to, long? taskId, int limit)
    {
        var errors = new FieldErrors();
        var wantedKind = string.IsNullOrWhiteSpace(kind) ? null : kind.Trim().ToLowerInvariant();
        if (wantedKind is not null && !AuditLog.Kinds.Contains(wantedKind))
        {
            errors.Add("kind", $"'{kind}' is not one of: {string.Join(", ", AuditLog.Kinds)}.");
        }

        if (from is not null && to is not null && from > to)
        {
            errors.Add("to", "must not be before from");
        }

        if (limit is < 1 or > AuditLog.MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {AuditLog.MaxLimit}");
        }

        if (outcome is { Length: > 50 })
        {
            errors.Add("outcome", "must be at most 50 characters");
        }

        errors.ThrowIfAny();
        return new AuditFilter(caller.CompanyId, agentId, wantedKind, string.IsNullOrWhiteSpace(outcome) ? null : outcome.Trim().ToLowerInvariant(), from, to, taskId, limit);
    }
}
