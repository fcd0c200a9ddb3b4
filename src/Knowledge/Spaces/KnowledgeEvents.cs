using System.Globalization;

namespace FluidManager.Knowledge.Spaces;

/// <summary>The events of knowledge spaces, on stream <c>knowledge-space:{id}</c> of the company.</summary>
public static class KnowledgeEvents
{
    /// <summary>Payload KnowledgeSpaceDto.</summary>
    public const string SpaceCreated = "knowledge.space_created";

    /// <summary>Payload KnowledgeSpaceDto.</summary>
    public const string SpaceUpdated = "knowledge.space_updated";

    /// <summary>Payload KnowledgeSpaceDto.</summary>
    public const string AclChanged = "knowledge.acl_changed";

    /// <summary>Payload { id, companyId }.</summary>
    public const string SpaceDeleted = "knowledge.space_deleted";

    /// <summary>Payload DocumentDto.</summary>
    public const string DocumentUploaded = "knowledge.document_uploaded";

    /// <summary>Payload DocumentDto.</summary>
    public const string DocumentIngesting = "knowledge.document_ingesting";

    /// <summary>Payload DocumentDto.</summary>
    public const string DocumentReady = "knowledge.document_ready";

    /// <summary>Payload DocumentDto.</summary>
    public const string DocumentFailed = "knowledge.document_failed";

    /// <summary>Payload DocumentDto: its tags or metadata changed.</summary>
    public const string DocumentUpdated = "knowledge.document_updated";

    /// <summary>Payload { id, spaceId, companyId }.</summary>
    public const string DocumentDeleted = "knowledge.document_deleted";

    public static string Stream(long spaceId) => "knowledge-space:" + spaceId.ToString(CultureInfo.InvariantCulture);
}
