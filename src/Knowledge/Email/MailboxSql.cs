namespace FluidManager.Knowledge.Email;

/// <summary>The statements of the company's mailbox: its IMAP account, the checks' cursors and the messages they took.</summary>
internal static class MailboxSql
{
    public const string Settings = """
        SELECT host, port, security, username, password, folder, updated_at
        FROM company_imap_settings WHERE company_id = @company_id
        """;

    public const string Save = """
        INSERT INTO company_imap_settings (company_id, host, port, security, username, password, folder, updated_at, updated_by)
        VALUES (@company_id, @host, @port, @security, @username, @password, @folder, @now, @actor)
        ON CONFLICT (company_id) DO UPDATE
        SET host = excluded.host, port = excluded.port, security = excluded.security, username = excluded.username, password = excluded.password,
            folder = excluded.folder, updated_at = excluded.updated_at, updated_by = excluded.updated_by
        """;

    public const string Delete = "DELETE FROM company_imap_settings WHERE company_id = @company_id";

    public const string Cursor = """
        SELECT uid_validity, last_uid FROM mailbox_cursors
        WHERE company_id = @company_id AND mailbox = @mailbox AND folder = @folder
        """;

    /// <summary>Moves the cursor forward only (two checks of one mailbox may end in any order); another UIDVALIDITY replaces it.</summary>
    public const string Advance = """
        INSERT INTO mailbox_cursors (company_id, mailbox, folder, uid_validity, last_uid, updated_at)
        VALUES (@company_id, @mailbox, @folder, @uid_validity, @last_uid, @now)
        ON CONFLICT (company_id, mailbox, folder) DO UPDATE
        SET last_uid = CASE WHEN mailbox_cursors.uid_validity = excluded.uid_validity
                            THEN greatest(mailbox_cursors.last_uid, excluded.last_uid) ELSE excluded.last_uid END,
            uid_validity = excluded.uid_validity, updated_at = excluded.updated_at
        """;

    /// <summary>Takes a message for one check, unless another check took it already.</summary>
    public const string Take = """
        INSERT INTO mailbox_messages (company_id, mailbox, folder, uid_validity, uid, activity_id, schedule_id, message_id, from_address, subject, sent_at, excerpt, taken_at)
        VALUES (@company_id, @mailbox, @folder, @uid_validity, @uid, @activity_id, @schedule_id, @message_id, @from_address, @subject, @sent_at, @excerpt, @now)
        ON CONFLICT ON CONSTRAINT mailbox_messages_pk DO NOTHING
        """;

    /// <summary>The messages one check took, in the order they arrived.</summary>
    public const string Taken = """
        SELECT mailbox, folder, uid_validity, uid, message_id, from_address, subject, sent_at, excerpt
        FROM mailbox_messages WHERE activity_id = @activity_id AND company_id = @company_id
        ORDER BY uid_validity, uid
        """;
}
