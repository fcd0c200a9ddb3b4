namespace FluidManager.Knowledge.Spaces;

/// <summary>The statements over knowledge spaces, their ACL rules and documents.</summary>
internal static class SpaceSql
{
    private const string SelectSpace = """
        SELECT s.id, s.company_id, s.name, s.description, s.scope, s.scope_ref, s.agent_id, s.version, s.created_by, s.created_at, s.updated_at,
               (SELECT count(*)::int FROM knowledge_documents d WHERE d.space_id = s.id) AS document_count,
               (SELECT count(*)::int FROM knowledge_documents d WHERE d.space_id = s.id AND d.status = 'ready') AS ready_count,
               (SELECT coalesce(sum(d.chunk_count), 0)::bigint FROM knowledge_documents d WHERE d.space_id = s.id AND d.active_generation IS NOT NULL) AS chunk_count
        FROM knowledge_spaces s
        """;

    public const string SpaceById = SelectSpace + " WHERE s.id = @id AND s.company_id = @company_id";

    public const string SpacesByCompany = SelectSpace + " WHERE s.company_id = @company_id ORDER BY lower(s.name), s.id";

    public const string AclOfSpaces = """
        SELECT space_id, principal_kind, principal, agent_id, can_read, can_write
        FROM knowledge_space_acl WHERE space_id = ANY (@space_ids) ORDER BY space_id, id
        """;

    public const string CompanyExists = "SELECT EXISTS (SELECT 1 FROM companies WHERE id = @company_id)";

    public const string AgentsOfCompany = "SELECT id FROM agents WHERE company_id = @company_id AND id = ANY (@ids)";

    public const string NameTaken = """
        SELECT EXISTS (SELECT 1 FROM knowledge_spaces WHERE company_id = @company_id AND lower(name) = lower(@name) AND id IS DISTINCT FROM @id)
        """;

    public const string InsertSpace = """
        INSERT INTO knowledge_spaces (company_id, name, description, scope, scope_ref, agent_id, created_by, created_at, updated_at)
        VALUES (@company_id, @name, @description, @scope, @scope_ref, @agent_id, @created_by, @now, @now)
        RETURNING id
        """;

    public const string UpdateSpace = """
        UPDATE knowledge_spaces SET name = @name, description = @description, version = version + 1, updated_at = @now
        WHERE id = @id AND company_id = @company_id
        """;

    public const string TouchSpace = "UPDATE knowledge_spaces SET version = version + 1, updated_at = @now WHERE id = @id";

    public const string DeleteAcl = "DELETE FROM knowledge_space_acl WHERE space_id = @space_id";

    public const string InsertAcl = """
        INSERT INTO knowledge_space_acl (company_id, space_id, principal_kind, principal, agent_id, can_read, can_write, created_at)
        SELECT @company_id, @space_id, r.kind, r.principal, nullif(r.agent_id, 0), r.can_read, r.can_write, @now
        FROM unnest(@kinds::text[], @principals::text[], @agent_ids::bigint[], @can_read::boolean[], @can_write::boolean[])
             AS r (kind, principal, agent_id, can_read, can_write)
        """;

    /// <summary>Whether the agent may write the space: a rule with can_write matches it by id, role, department or everyone.</summary>
    public const string AgentCanWrite = """
        SELECT EXISTS (
          SELECT 1 FROM knowledge_space_acl r JOIN agents a ON a.id = @agent_id AND a.company_id = r.company_id
          WHERE r.space_id = @space_id AND r.can_write
            AND (r.principal_kind = 'everyone'
                 OR (r.principal_kind = 'agent' AND r.agent_id = a.id)
                 OR (r.principal_kind = 'role' AND r.principal = lower(btrim(a.role)))
                 OR (r.principal_kind = 'department' AND r.principal = lower(btrim(a.department)))))
        """;

    public const string DeleteDocumentsOfSpace = "DELETE FROM knowledge_documents WHERE space_id = @space_id RETURNING storage_key, activity_id, status";

    public const string DeleteSpace = "DELETE FROM knowledge_spaces WHERE id = @id AND company_id = @company_id";

    private const string SelectDocument = """
        SELECT d.id, d.company_id, d.space_id, d.name, d.content_type, d.size_bytes, d.sha256, d.storage_key, d.status, d.error, d.format,
               d.generation, d.active_generation, d.chunk_count, d.char_count, d.attempts, d.activity_id, d.uploaded_by,
               d.created_at, d.updated_at, d.ingested_at, d.tags, d.metadata::text AS metadata, d.version,
               CASE WHEN d.status IN ('pending', 'ingesting') THEN a.progress::text END AS progress
        FROM knowledge_documents d
        LEFT JOIN runtime.activities a ON a.id = d.activity_id
        """;

    public const string DocumentsOfSpace = SelectDocument
        + " WHERE d.space_id = @space_id AND d.company_id = @company_id AND (@tag::text IS NULL OR d.tags @> ARRAY[@tag::text]) ORDER BY lower(d.name), d.id";

    public const string DocumentById = SelectDocument + " WHERE d.id = @id AND d.space_id = @space_id AND d.company_id = @company_id";

    public const string DocumentByIdAnyCompany = SelectDocument + " WHERE d.id = @id AND d.space_id = @space_id";

    public const string DocumentByName = SelectDocument + " WHERE d.space_id = @space_id AND d.name = @name";

    public const string DocumentByActivity = SelectDocument + " WHERE d.space_id = @space_id AND d.activity_id = @activity_id";

    public const string InsertDocument = """
        INSERT INTO knowledge_documents (company_id, space_id, name, content_type, size_bytes, sha256, storage_key, status, uploaded_by, created_at, updated_at, tags, metadata)
        VALUES (@company_id, @space_id, @name, @content_type, @size_bytes, @sha256, @storage_key, 'pending', @uploaded_by, @now, @now,
                coalesce(@tags, '{}'), coalesce(@metadata, '{}'))
        RETURNING id
        """;

    /// <summary>A new version of the bytes (re-upload): the next generation, pending; tags and metadata are kept unless given.</summary>
    public const string ReplaceDocument = """
        UPDATE knowledge_documents
        SET content_type = @content_type, size_bytes = @size_bytes, sha256 = @sha256, storage_key = @storage_key, uploaded_by = @uploaded_by,
            tags = coalesce(@tags, tags), metadata = coalesce(@metadata, metadata),
            generation = generation + 1, status = 'pending', error = NULL, attempts = 0, version = version + 1, updated_at = @now
        WHERE id = @id
        RETURNING generation
        """;

    /// <summary>A retry from the stored bytes: the next generation, pending.</summary>
    public const string NextGeneration = """
        UPDATE knowledge_documents SET generation = generation + 1, status = 'pending', error = NULL, attempts = 0, version = version + 1, updated_at = @now
        WHERE id = @id
        RETURNING generation
        """;

    public const string SetActivity = "UPDATE knowledge_documents SET activity_id = @activity_id WHERE id = @id";

    public const string MarkIngesting = """
        UPDATE knowledge_documents SET status = 'ingesting', attempts = attempts + 1, version = version + 1, updated_at = @now
        WHERE id = @id AND generation = @generation AND status IN ('pending', 'ingesting')
        """;

    /// <summary>Makes a generation's chunks the searchable ones: the atomic replacement of a document's chunks.</summary>
    public const string MarkReady = """
        UPDATE knowledge_documents
        SET status = 'ready', error = NULL, active_generation = generation, chunk_count = @chunk_count, char_count = @char_count, format = @format,
            activity_id = NULL, version = version + 1, updated_at = @now, ingested_at = @now
        WHERE id = @id AND generation = @generation
        """;

    public const string MarkFailed = """
        UPDATE knowledge_documents SET status = 'failed', error = @error, activity_id = NULL, version = version + 1, updated_at = @now
        WHERE id = @id AND generation = @generation
        """;

    /// <summary>Removes the chunks of every generation but the searchable one and the one being ingested.</summary>
    public const string DeleteStaleChunks = """
        DELETE FROM knowledge_chunks c USING knowledge_documents d
        WHERE d.id = @id AND c.document_id = d.id
          AND c.generation <> coalesce(d.active_generation, 0)
          AND (d.status NOT IN ('pending', 'ingesting') OR c.generation <> d.generation)
        """;

    /// <summary>Replaces the tags and/or the metadata (a null parameter keeps the column), only at the expected version when one is given.</summary>
    public const string UpdateDocumentLabels = """
        UPDATE knowledge_documents SET tags = coalesce(@tags, tags), metadata = coalesce(@metadata, metadata), version = version + 1, updated_at = @now
        WHERE id = @id AND space_id = @space_id AND (@expected_version::bigint IS NULL OR version = @expected_version)
        """;

    public const string DeleteDocument = "DELETE FROM knowledge_documents WHERE id = @id AND space_id = @space_id";
}
