using FluidManager.Grains.Access;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Storage;
using FluidManager.Knowledge.Ingestion;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// One knowledge space (key = space id). Uploads and retries start a new generation of the document
/// and schedule the <c>knowledge.ingest</c> activity; the activity writes that generation's chunks in
/// one transaction of its own and reports back here, where one row update makes them the searchable
/// ones and the other generations' chunks are removed. Readers therefore see the old chunks or the new
/// ones, never a mix, and a failed ingestion leaves the previous version searchable.
/// </summary>
[GrainType("knowledge-space")]
public sealed class KnowledgeSpaceGrain(ITurnContext context, IOptions<KnowledgeOptions> options, ILogger<KnowledgeSpaceGrain> logger)
    : DurableGrain, IKnowledgeSpaceGrain, IActivityOwner
{
    protected override ITurnContext Turn => context;

    private long Id => context.KeyAsId("Knowledge space");

    public async Task<KnowledgeSpaceDto> GetAsync(long companyId) => await SpaceRows.LoadAsync(context, companyId, Id);

    public async Task<KnowledgeSpaceDto> UpdateAsync(UpdateSpaceCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var space = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        SpaceRows.CheckName(command.Name);
        var name = command.Name.Trim();
        if ((command.Description?.Length ?? 0) > 4000)
        {
            throw new ValidationException("description", "must be at most 4000 characters");
        }

        if (await context.Sql(SpaceSql.NameTaken).With("company_id", space.CompanyId).With("name", name).With("id", space.Id).ScalarAsync<bool>())
        {
            throw new ConflictException($"A knowledge space named '{name}' already exists.", "knowledge.space_name_taken");
        }

        await context.Sql(SpaceSql.UpdateSpace)
            .With("id", space.Id).With("company_id", space.CompanyId).With("name", name)
            .With("description", command.Description?.Trim() ?? space.Description).With("now", context.Now)
            .ExecuteAsync();
        return await PublishSpaceAsync(space.CompanyId, KnowledgeEvents.SpaceUpdated);
    }

    public async Task<KnowledgeSpaceDto> SetAclAsync(SetAclCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var space = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var rules = await SpaceRows.NormaliseAclAsync(context, space.CompanyId, command.Rules, "rules");
        await SpaceRows.WriteAclAsync(context, space.CompanyId, space.Id, rules);
        await context.Sql(SpaceSql.TouchSpace).With("id", space.Id).With("now", context.Now).ExecuteAsync();
        var changed = await PublishSpaceAsync(space.CompanyId, KnowledgeEvents.AclChanged);
        Log.AclChanged(logger, space.CompanyId, space.Id, rules.Count, context.Actor);
        return changed;
    }

    public async Task<IReadOnlyList<string>> DeleteAsync(long companyId, long? expectedVersion = null)
    {
        var space = await LoadForChangeAsync(companyId, expectedVersion);
        var documents = await context.Sql(SpaceSql.DeleteDocumentsOfSpace).With("space_id", space.Id)
            .ListAsync(r => (Key: r.GetString(0), Activity: r.IsDBNull(1) ? (Guid?)null : r.GetGuid(1), Status: r.GetString(2)));
        foreach (var activity in documents.Where(d => d.Activity is not null && d.Status is "pending" or "ingesting").Select(d => d.Activity!.Value))
        {
            await context.CancelActivityAsync(activity);
        }

        await context.Sql(SpaceSql.DeleteSpace).With("id", space.Id).With("company_id", companyId).ExecuteAsync();
        await context.PublishAsync(KnowledgeEvents.Stream(space.Id), KnowledgeEvents.SpaceDeleted, new { space.Id, companyId }, companyId);
        return documents.Select(d => d.Key).ToList();
    }

    public async Task<DocumentUpload> AddDocumentAsync(AddDocumentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(command.Object);
        var space = await SpaceRows.LoadAsync(context, command.CompanyId, Id);
        await RequireWriterAsync(space);
        var name = DocumentName(command.Name);
        var (tags, metadata) = Labels(command.Tags, command.Metadata);
        var stored = command.Object;
        if (!ObjectKeys.BelongsTo(stored.Key, space.CompanyId))
        {
            throw new ValidationException("object.key", "is not an object of this company");
        }

        var maxBytes = options.Value.Ingestion.MaxDocumentBytes;
        if (stored.Size > maxBytes)
        {
            throw new ValidationException("file", $"is {stored.Size:N0} bytes; documents may have at most {maxBytes:N0} bytes");
        }

        var contentType = string.IsNullOrWhiteSpace(stored.ContentType) ? "application/octet-stream" : stored.ContentType.Trim();
        var existing = await context.Sql(SpaceSql.DocumentByName).With("space_id", space.Id).With("name", name).FirstOrDefaultAsync(SpaceRows.MapDocument);
        long documentId;
        int generation;
        if (existing is null)
        {
            documentId = await context.Sql(SpaceSql.InsertDocument)
                .With("company_id", space.CompanyId).With("space_id", space.Id).With("name", name).With("content_type", contentType)
                .With("size_bytes", stored.Size).With("sha256", stored.Sha256).With("storage_key", stored.Key)
                .With("uploaded_by", context.Actor).With("now", context.Now).WithTags(tags).WithMetadata(metadata)
                .ScalarAsync<long>();
            generation = 1;
        }
        else
        {
            await CancelIngestionAsync(existing);
            documentId = existing.Document.Id;
            generation = await context.Sql(SpaceSql.ReplaceDocument)
                .With("id", documentId).With("content_type", contentType).With("size_bytes", stored.Size).With("sha256", stored.Sha256)
                .With("storage_key", stored.Key).With("uploaded_by", context.Actor).With("now", context.Now).WithTags(tags).WithMetadata(metadata)
                .ScalarAsync<int>();
        }

        await ScheduleIngestionAsync(space.CompanyId, documentId, generation, stored.Key, contentType, name);
        var document = await LoadDocumentAsync(space.CompanyId, documentId);
        await context.PublishAsync(KnowledgeEvents.Stream(space.Id), KnowledgeEvents.DocumentUploaded, document.Document, space.CompanyId);
        var replacedKey = existing is not null && existing.StorageKey != stored.Key ? existing.StorageKey : null;
        return new DocumentUpload(document.Document, replacedKey, existing is not null);
    }

    public async Task<IReadOnlyList<DocumentDto>> ListDocumentsAsync(long companyId, string? tag = null)
    {
        var space = await SpaceRows.LoadAsync(context, companyId, Id);
        var wanted = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim().ToLowerInvariant();
        return (await context.Sql(SpaceSql.DocumentsOfSpace).With("space_id", space.Id).With("company_id", companyId).With("tag", wanted)
                .ListAsync(SpaceRows.MapDocument))
            .Select(d => d.Document).ToList();
    }

    public async Task<DocumentDto> UpdateDocumentAsync(UpdateDocumentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var space = await SpaceRows.LoadAsync(context, command.CompanyId, Id);
        await RequireWriterAsync(space);
        if (command.Tags is null && command.Metadata is null)
        {
            throw new ValidationException("tags", "tags or metadata is required: the change to make");
        }

        // A bad label is refused by name whatever the version: the caller fixes it before anything else.
        var (tags, metadata) = Labels(command.Tags, command.Metadata);
        var before = (await LoadDocumentAsync(command.CompanyId, command.DocumentId)).Document;
        if (command.ExpectedVersion is { } expected && expected != before.Version)
        {
            throw new VersionMismatchException($"Document {command.DocumentId}", expected, before.Version);
        }

        var changed = await context.Sql(SpaceSql.UpdateDocumentLabels)
            .With("id", command.DocumentId).With("space_id", space.Id).With("now", context.Now).With("expected_version", command.ExpectedVersion)
            .WithTags(tags).WithMetadata(metadata)
            .ExecuteAsync();
        if (changed == 0)
        {
            // Written by another activation since the read: the row is the judge.
            var current = (await LoadDocumentAsync(command.CompanyId, command.DocumentId)).Document;
            throw new VersionMismatchException($"Document {command.DocumentId}", command.ExpectedVersion ?? before.Version, current.Version);
        }

        var document = (await LoadDocumentAsync(command.CompanyId, command.DocumentId)).Document;
        await context.PublishAsync(KnowledgeEvents.Stream(space.Id), KnowledgeEvents.DocumentUpdated, document, command.CompanyId);
        return document;
    }

    public async Task<DocumentDto> GetDocumentAsync(long companyId, long documentId) => (await LoadDocumentAsync(companyId, documentId)).Document;

    public async Task<DocumentDto> RetryDocumentAsync(long companyId, long documentId)
    {
        var space = await SpaceRows.LoadAsync(context, companyId, Id);
        await RequireWriterAsync(space);
        var row = await LoadDocumentAsync(companyId, documentId);
        if (row.Document.Status is DocumentStatus.Pending or DocumentStatus.Ingesting)
        {
            throw new ConflictException($"Document {documentId} is already being ingested.", "knowledge.document_ingesting");
        }

        var generation = await context.Sql(SpaceSql.NextGeneration).With("id", documentId).With("now", context.Now).ScalarAsync<int>();
        await ScheduleIngestionAsync(companyId, documentId, generation, row.StorageKey, row.Document.ContentType, row.Document.Name);
        var document = (await LoadDocumentAsync(companyId, documentId)).Document;
        await context.PublishAsync(KnowledgeEvents.Stream(space.Id), KnowledgeEvents.DocumentUploaded, document, companyId);
        return document;
    }

    public async Task<string> DeleteDocumentAsync(long companyId, long documentId)
    {
        var space = await SpaceRows.LoadAsync(context, companyId, Id);
        await RequireWriterAsync(space);
        var row = await LoadDocumentAsync(companyId, documentId);
        await CancelIngestionAsync(row);
        await context.Sql(SpaceSql.DeleteDocument).With("id", documentId).With("space_id", space.Id).ExecuteAsync();
        await context.PublishAsync(KnowledgeEvents.Stream(space.Id), KnowledgeEvents.DocumentDeleted, new { Id = documentId, SpaceId = space.Id, companyId }, companyId);
        return row.StorageKey;
    }

    public async Task<bool> StartIngestionAsync(long documentId, int generation)
    {
        var started = await context.Sql(SpaceSql.MarkIngesting).With("id", documentId).With("generation", generation).With("now", context.Now).ExecuteAsync();
        if (started == 0)
        {
            return false;
        }

        var row = await context.Sql(SpaceSql.DocumentByIdAnyCompany).With("id", documentId).With("space_id", Id).FirstOrDefaultAsync(SpaceRows.MapDocument);
        if (row is not null)
        {
            await context.PublishAsync(KnowledgeEvents.Stream(Id), KnowledgeEvents.DocumentIngesting, row.Document, row.Document.CompanyId);
        }

        return true;
    }

    public async Task OnActivityCompletedAsync(ActivityOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Kind != IngestActivity.ActivityKind)
        {
            return;
        }

        // Only the outcome of the document's current activity counts; a superseded one changes nothing
        // (its chunks are removed with the other stale generations below).
        var row = await context.Sql(SpaceSql.DocumentByActivity).With("space_id", Id).With("activity_id", outcome.Id).FirstOrDefaultAsync(SpaceRows.MapDocument);
        if (row is null)
        {
            return;
        }

        var document = row.Document;
        var result = outcome.Succeeded ? outcome.ResultAs<IngestResult>() : null;
        string type;
        if (result is { Error: null } && result.Generation == document.Generation)
        {
            await context.Sql(SpaceSql.MarkReady)
                .With("id", document.Id).With("generation", document.Generation).With("chunk_count", result.ChunkCount)
                .With("char_count", result.CharCount).With("format", result.Format).With("now", context.Now)
                .ExecuteAsync();
            type = KnowledgeEvents.DocumentReady;
            Log.DocumentReady(logger, document.CompanyId, document.Id, document.Generation, result.ChunkCount);
        }
        else
        {
            var error = result?.Error ?? outcome.Error ?? "the ingestion failed";
            await context.Sql(SpaceSql.MarkFailed).With("id", document.Id).With("generation", document.Generation).With("error", error).With("now", context.Now).ExecuteAsync();
            type = KnowledgeEvents.DocumentFailed;
            Log.DocumentFailed(logger, document.CompanyId, document.Id, document.Generation, error);
        }

        await context.Sql(SpaceSql.DeleteStaleChunks).With("id", document.Id).ExecuteAsync();
        var after = await LoadDocumentAsync(document.CompanyId, document.Id);
        await context.PublishAsync(KnowledgeEvents.Stream(Id), type, after.Document, document.CompanyId);
    }

    private async Task<KnowledgeSpaceDto> LoadForChangeAsync(long companyId, long? expectedVersion)
    {
        var space = await SpaceRows.LoadAsync(context, companyId, Id);
        if (expectedVersion is { } expected && expected != space.Version)
        {
            throw new VersionMismatchException("Knowledge space", expected, space.Version);
        }

        return space;
    }

    private async Task<KnowledgeSpaceDto> PublishSpaceAsync(long companyId, string type)
    {
        var space = await SpaceRows.LoadAsync(context, companyId, Id);
        await context.PublishAsync(KnowledgeEvents.Stream(space.Id), type, space, companyId);
        return space;
    }

    private async Task<DocumentRow> LoadDocumentAsync(long companyId, long documentId) =>
        await context.Sql(SpaceSql.DocumentById).With("id", documentId).With("space_id", Id).With("company_id", companyId).FirstOrDefaultAsync(SpaceRows.MapDocument)
        ?? throw new NotFoundException("Document", documentId);

    /// <summary>An agent changes a space's documents only through a rule that lets it write; people are checked by the Api's policies.</summary>
    private async Task RequireWriterAsync(KnowledgeSpaceDto space)
    {
        if (context.Actor is { } actor && actor.StartsWith("agent:", StringComparison.Ordinal)
            && long.TryParse(actor.AsSpan("agent:".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var agentId)
            && !await context.Sql(SpaceSql.AgentCanWrite).With("agent_id", agentId).With("space_id", space.Id).ScalarAsync<bool>())
        {
            throw new PolicyDeniedException($"Agent {agentId} may not write knowledge space '{space.Name}'.", "knowledge.acl");
        }
    }

    private async Task CancelIngestionAsync(DocumentRow row)
    {
        if (row.ActivityId is { } activity && row.Document.Status is DocumentStatus.Pending or DocumentStatus.Ingesting)
        {
            await context.CancelActivityAsync(activity);
        }
    }

    private async Task ScheduleIngestionAsync(long companyId, long documentId, int generation, string storageKey, string contentType, string name)
    {
        var settings = options.Value.Ingestion;
        var activity = await context.ScheduleActivityAsync(
            IngestActivity.ActivityKind,
            new IngestInput(companyId, Id, documentId, generation, storageKey, contentType, name),
            new ActivityOptions { MaxAttempts = settings.MaxAttempts, Timeout = settings.Timeout, Backoff = TimeSpan.FromSeconds(2) });
        await context.Sql(SpaceSql.SetActivity).With("id", documentId).With("activity_id", activity).ExecuteAsync();
    }

    private static (IReadOnlyList<string>? Tags, IReadOnlyDictionary<string, string>? Metadata) Labels(
        IReadOnlyList<string?>? tags, IReadOnlyDictionary<string, string?>? metadata)
    {
        var errors = new FieldErrors();
        var cleanTags = DocumentLabels.Tags(tags, errors);
        var cleanMetadata = DocumentLabels.Metadata(metadata, errors);
        errors.ThrowIfAny();
        return (cleanTags, cleanMetadata);
    }

    private static string DocumentName(string? name)
    {
        var clean = Path.GetFileName((name ?? "").Replace('\\', '/')).Trim();
        if (clean.Length is 0 or > 300 || clean.Any(char.IsControl))
        {
            throw new ValidationException("name", "is required: a file name of 1-300 characters");
        }

        return clean;
    }
}
