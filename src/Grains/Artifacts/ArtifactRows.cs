using System.Text.RegularExpressions;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Storage;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Artifacts;

/// <summary>Records artifact metadata (the bytes are already stored) and reads it back.</summary>
internal static partial class ArtifactRows
{
    /// <summary>
    /// Inserts the artifact, or returns the one a previous run of the same step recorded.
    /// <c>Created</c> is false for such a replay.
    /// </summary>
    public static async Task<(ArtifactDto Artifact, bool Created)> RecordAsync(ITurnContext context, AttachArtifactCommand command, long? taskId, long? agentId)
    {
        Validate(command);
        if (command.StepKey is { } stepKey)
        {
            var existing = await FindByStepAsync(context, taskId, agentId, stepKey);
            if (existing is not null)
            {
                return (existing, false);
            }
        }

        var stored = command.Object;
        var inserted = await context.Sql(ArtifactSql.Insert)
            .With("company_id", command.CompanyId)
            .With("task_id", taskId)
            .With("agent_id", agentId)
            .With<ArtifactKind>("kind", command.Kind)
            .With("name", command.Name.Trim())
            .With("content_type", stored?.ContentType)
            .With("size_bytes", stored?.Size)
            .With("storage_key", stored?.Key)
            .With("sha256", stored?.Sha256.ToLowerInvariant())
            .With("url", command.Url)
            .With("step_key", command.StepKey)
            .With("metadata", command.Metadata)
            .With("created_by", context.Actor)
            .With("now", context.Now)
            .FirstOrDefaultAsync(Map);
        if (inserted is not null)
        {
            return (inserted, true);
        }

        // Lost a race with the same step (unique index): answer with the winner's row.
        return (await FindByStepAsync(context, taskId, agentId, command.StepKey!)
            ?? throw new InvalidOperationException("An artifact insert conflicted but no row holds its step key."), false);
    }

    public static Task<List<ArtifactDto>> ForTaskAsync(ITurnContext context, long companyId, long taskId) =>
        context.Sql(ArtifactSql.ForTask).With("task_id", taskId).With("company_id", companyId).ListAsync(Map);

    public static Task<List<ArtifactDto>> ForAgentAsync(ITurnContext context, long companyId, long agentId) =>
        context.Sql(ArtifactSql.ForAgent).With("agent_id", agentId).With("company_id", companyId).ListAsync(Map);

    public static async Task<ArtifactDto> LoadAsync(ITurnContext context, long companyId, long artifactId) =>
        await context.Sql(ArtifactSql.ById).With("id", artifactId).With("company_id", companyId).FirstOrDefaultAsync(Map)
        ?? throw new NotFoundException("Artifact", artifactId);

    public static ArtifactDto Map(NpgsqlDataReader r) => new(
        r.Get<long>("id"),
        r.Get<long>("company_id"),
        r.GetOrNull<long>("task_id"),
        r.GetOrNull<long>("agent_id"),
        r.GetEnum<ArtifactKind>("kind"),
        r.Get<string>("name"),
        r.GetStringOrNull("content_type"),
        r.GetOrNull<long>("size_bytes"),
        r.GetStringOrNull("storage_key"),
        r.GetStringOrNull("sha256"),
        r.GetStringOrNull("url"),
        r.GetStringOrNull("step_key"),
        r.GetStringOrNull("created_by"),
        r.Get<DateTimeOffset>("created_at"),
        r.Get<int>("version"),
        r.Get<string>("metadata"));

    private static async Task<ArtifactDto?> FindByStepAsync(ITurnContext context, long? taskId, long? agentId, string stepKey) => taskId is { } task
        ? await context.Sql(ArtifactSql.ByTaskStep).With("task_id", task).With("step_key", stepKey).FirstOrDefaultAsync(Map)
        : await context.Sql(ArtifactSql.ByAgentStep).With("agent_id", agentId).With("step_key", stepKey).FirstOrDefaultAsync(Map);

    private static void Validate(AttachArtifactCommand command)
    {
        var fields = new Fields()
            .Text("name", command.Name, 300)
            .Text("stepKey", command.StepKey, 200, required: false)
            .Text("metadata", command.Metadata, 10_000, required: false)
            .Check(command.Metadata is null || IsJsonObject(command.Metadata), "metadata", "must be a JSON object, such as {\"reviewedBy\": \"cfo\"}");
        if (command.Kind == ArtifactKind.Link)
        {
            fields.Check(command.Url is not null && Uri.TryCreate(command.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", "url", "must be an absolute http(s) address")
                .Check(command.Object is null, "object", "a link has no stored bytes");
        }
        else if (command.Object is not { } stored)
        {
            fields.Add("object", $"a {command.Kind.ToDb()} artifact needs its stored bytes");
        }
        else
        {
            fields.Check(command.Url is null, "url", "only a link has a url")
                .Check(ObjectKeys.BelongsTo(stored.Key, command.CompanyId), "object.key", "is not a storage key of this company")
                .Check(stored.Size >= 0, "object.size", "must not be negative")
                .Check(Sha256Pattern().IsMatch(stored.Sha256), "object.sha256", "must be 64 hexadecimal characters")
                .Text("object.contentType", stored.ContentType, 200);
        }

        fields.ThrowIfAny();
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
