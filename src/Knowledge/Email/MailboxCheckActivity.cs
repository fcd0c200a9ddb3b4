using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FluidManager.Grains.Data;
using FluidManager.Grains.Schedules;
using FluidManager.Knowledge.Web;
using FluidManager.Runtime.Activities;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FluidManager.Knowledge.Email;

/// <summary>Why a mailbox check failed, in words an operator can act on (the server, the login or the folder).</summary>
public sealed class MailboxCheckException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads the new mail of the company's mailbox for a schedule's mailbox check, outside any grain turn (MailKit's
/// ImapClient). New means a UID above the cursor kept for the account and folder, or, on a first check or after the
/// server renumbered the folder (another UIDVALIDITY), an unread message. The messages are taken in one transaction with
/// the cursor before they are marked \Seen, keyed by their place in the folder: a message goes to one check only, and an
/// attempt after a crash answers with the messages its check already took.
/// </summary>
internal sealed partial class MailboxCheckActivity(
    ImapSettings settings, NpgsqlDataSource dataSource, IOptions<MailboxCheckOptions> options, TimeProvider time, ILogger<MailboxCheckActivity> logger)
    : ActivityHandler<MailboxCheckInput, MailboxCheckResult>
{
    public const string ActivityKind = "mailbox.check";

    private const int HeaderChars = 200;

    public override string Kind => ActivityKind;

    protected override async Task<MailboxCheckResult> ExecuteAsync(MailboxCheckInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(execution);
        var account = await settings.AccountAsync(input.CompanyId, cancellationToken)
            ?? throw new MailboxCheckException("The company has no mailbox any more (PUT /api/email/imap sets one).");

        // An attempt after a crash: the messages this check already took are its answer.
        var taken = await TakenAsync(input.CompanyId, execution.Id, cancellationToken);
        if (taken.Count > 0)
        {
            await MarkSeenAsync(account, taken, input.CompanyId, cancellationToken);
            return Result(account, taken);
        }

        using var imap = new ImapClient();
        var folder = await OpenAsync(imap, account, cancellationToken);
        var validity = (long)folder.UidValidity;
        var cursor = await CursorAsync(input.CompanyId, account, cancellationToken);
        var continues = cursor is { } c && c.UidValidity == validity;
        var found = continues
            ? (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId((uint)Math.Min(cursor!.Value.LastUid + 1, uint.MaxValue)), UniqueId.MaxValue)), cancellationToken))
                .Where(u => u.Id > cursor.Value.LastUid).ToList()
            : [.. await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken)];
        var max = options.Value.MaxMessages;
        var uids = found.OrderBy(u => u.Id).Take(max).ToList();

        // The cursor moves past what this check read; a first check also passes the messages already read.
        var lastUid = uids.Count > 0 ? uids[^1].Id : cursor is { } kept && continues ? kept.LastUid : 0;
        if (!continues && found.Count <= max)
        {
            var all = await folder.SearchAsync(SearchQuery.All, cancellationToken);
            lastUid = Math.Max(lastUid, all.Count > 0 ? all.Max(u => u.Id) : 0);
        }

        var messages = uids.Count > 0 ? await ReadAsync(folder, uids, cancellationToken) : [];
        await TakeAsync(input, execution.Id, account, validity, lastUid, messages, cancellationToken);
        taken = await TakenAsync(input.CompanyId, execution.Id, cancellationToken);
        await MarkSeenAsync(folder, taken, input.CompanyId, cancellationToken);
        await imap.DisconnectAsync(quit: true, cancellationToken);
        Log.MailboxChecked(logger, input.CompanyId, input.ScheduleId, account.Folder, taken.Count, found.Count - uids.Count);
        return Result(account, taken);
    }

    private static MailboxCheckResult Result(ImapAccount account, List<Taken> taken) =>
        new(taken.Count > 0 ? taken[0].Mailbox : account.Mailbox, taken.Count > 0 ? taken[0].Folder : account.Folder, [.. taken.Select(t => t.Message)]);

    /// <summary>Connects, logs in and opens the folder read-write, turning each way this can fail into a sentence.</summary>
    private static async Task<IMailFolder> OpenAsync(ImapClient imap, ImapAccount account, CancellationToken cancellationToken)
    {
        var server = string.Create(CultureInfo.InvariantCulture, $"{account.Host}:{account.Port}");
        try
        {
            // Through the mail connections' address guard, as SMTP: never a link-local or reserved address.
            await SmtpSender.ConnectAsync(imap, account.Host, account.Port, account.Security, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SslHandshakeException or ImapProtocolException or NotSupportedException or WebAccessDeniedException)
        {
            throw new MailboxCheckException($"Could not connect to the IMAP server {server} ({account.Security}): {ex.Message}", ex);
        }

        try
        {
            await imap.AuthenticateAsync(account.Username, account.Password, cancellationToken);
        }
        catch (AuthenticationException ex)
        {
            throw new MailboxCheckException($"The IMAP server {server} refused the login of '{account.Username}': {ex.Message}", ex);
        }

        try
        {
            var folder = string.Equals(account.Folder, "INBOX", StringComparison.OrdinalIgnoreCase) ? imap.Inbox : await imap.GetFolderAsync(account.Folder, cancellationToken);
            await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            return folder;
        }
        catch (Exception ex) when (ex is FolderNotFoundException or ImapCommandException)
        {
            throw new MailboxCheckException($"The folder '{account.Folder}' of '{account.Username}' on {server} cannot be opened: {ex.Message}", ex);
        }
    }

    /// <summary>Sender, subject, date and the start of the text of each message, without loading its attachments.</summary>
    private async Task<List<(long Uid, MailboxMessage Message)>> ReadAsync(IMailFolder folder, List<UniqueId> uids, CancellationToken cancellationToken)
    {
        var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure, cancellationToken);
        var read = new List<(long, MailboxMessage)>();
        foreach (var summary in summaries.OrderBy(s => s.UniqueId.Id))
        {
            var text = "";
            if (summary.TextBody is { } plain && await folder.GetBodyPartAsync(summary.UniqueId, plain, cancellationToken) is TextPart part)
            {
                text = part.Text;
            }
            else if (summary.HtmlBody is { } html && await folder.GetBodyPartAsync(summary.UniqueId, html, cancellationToken) is TextPart htmlPart)
            {
                text = Ingestion.HtmlText.ToText(htmlPart.Text);
            }

            var envelope = summary.Envelope;
            read.Add((summary.UniqueId.Id, new MailboxMessage(
                summary.UniqueId.Id, Cut(envelope?.From?.ToString()), Cut(envelope?.Subject), envelope?.Date, envelope?.MessageId, Excerpt(text, options.Value.ExcerptChars))));
        }

        return read;
    }

    private async Task TakeAsync(
        MailboxCheckInput input, Guid activityId, ImapAccount account, long validity, long lastUid, List<(long Uid, MailboxMessage Message)> messages, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (uid, message) in messages)
        {
            await new NpgsqlCommand(MailboxSql.Take, connection, transaction)
                .With("company_id", input.CompanyId).With("mailbox", account.Mailbox).With("folder", account.Folder).With("uid_validity", validity).With("uid", uid)
                .With("activity_id", activityId).With("schedule_id", input.ScheduleId).With("message_id", message.MessageId)
                .With("from_address", message.From).With("subject", message.Subject).With("sent_at", message.Date).With("excerpt", message.Excerpt).With("now", now)
                .ExecuteAsync(cancellationToken);
        }

        await new NpgsqlCommand(MailboxSql.Advance, connection, transaction)
            .With("company_id", input.CompanyId).With("mailbox", account.Mailbox).With("folder", account.Folder)
            .With("uid_validity", validity).With("last_uid", lastUid).With("now", now)
            .ExecuteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<(long UidValidity, long LastUid)?> CursorAsync(long companyId, ImapAccount account, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await new NpgsqlCommand(MailboxSql.Cursor, connection)
            .With("company_id", companyId).With("mailbox", account.Mailbox).With("folder", account.Folder)
            .ListAsync(r => (r.Get<long>("uid_validity"), r.Get<long>("last_uid")), cancellationToken);
        return rows is [var row] ? row : null;
    }

    private async Task<List<Taken>> TakenAsync(long companyId, Guid activityId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(MailboxSql.Taken, connection).With("activity_id", activityId).With("company_id", companyId)
            .ListAsync(r => new Taken(r.Get<string>("mailbox"), r.Get<string>("folder"), r.Get<long>("uid_validity"), new MailboxMessage(
                r.Get<long>("uid"), r.GetStringOrNull("from_address"), r.GetStringOrNull("subject"), r.GetOrNull<DateTimeOffset>("sent_at"),
                r.GetStringOrNull("message_id"), r.Get<string>("excerpt"))), cancellationToken);
    }

    /// <summary>On an attempt after a crash: connects again to mark what the check took. Marking is a courtesy to the mailbox's readers, so it never fails a check.</summary>
    private async Task MarkSeenAsync(ImapAccount account, List<Taken> taken, long companyId, CancellationToken cancellationToken)
    {
        try
        {
            using var imap = new ImapClient();
            var folder = await OpenAsync(imap, account, cancellationToken);
            await MarkSeenAsync(folder, taken, companyId, cancellationToken);
            await imap.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (MailboxCheckException ex)
        {
            Log.MailboxSeenNotMarked(logger, companyId, ex.Message);
        }
    }

    private async Task MarkSeenAsync(IMailFolder folder, List<Taken> taken, long companyId, CancellationToken cancellationToken)
    {
        var uids = taken.Where(t => t.UidValidity == folder.UidValidity).Select(t => new UniqueId((uint)t.Message.Uid)).ToList();
        if (uids.Count == 0)
        {
            return;
        }

        try
        {
            await folder.AddFlagsAsync(uids, MessageFlags.Seen, silent: true, cancellationToken);
        }
        catch (Exception ex) when (ex is ImapCommandException or ImapProtocolException or IOException)
        {
            Log.MailboxSeenNotMarked(logger, companyId, ex.Message);
        }
    }

    private static string? Cut(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length > HeaderChars ? text[..HeaderChars].TrimEnd() + " …" : text.Trim();

    /// <summary>The start of a message's text: lines trimmed, runs of blank lines made one.</summary>
    private static string Excerpt(string text, int chars)
    {
        var compact = BlankLines().Replace(string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())), "\n\n").Trim();
        return compact.Length > chars ? compact[..chars].TrimEnd() + " …" : compact;
    }

    [GeneratedRegex("\n{3,}")]
    private static partial Regex BlankLines();

    private sealed record Taken(string Mailbox, string Folder, long UidValidity, MailboxMessage Message);
}
