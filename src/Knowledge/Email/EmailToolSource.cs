using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Storage;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Knowledge.Tools;
using FluidManager.Models;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;
using MimeKit;
using Npgsql;

namespace FluidManager.Knowledge.Email;

/// <summary>
/// <c>send_email</c>: mail from the company's SMTP account (MailKit), offered to agents with the
/// <c>email</c> right once the company has an account. It is always an external action, so the
/// approval_required rule external_action decides whether it waits for the CEO. Each call is journalled
/// by its activity id (also the Message-Id): an attempt after a crash never sends a second copy. The sent
/// message is kept as an artifact (.eml) of the task.
/// </summary>
public sealed class EmailToolSource(
    NpgsqlDataSource dataSource, EmailSettings settings, IObjectStore store, IGrainFactory grains, TimeProvider time, ILogger<EmailToolSource> logger)
    : IAgentToolSource
{
    public const string ToolName = "send_email";

    public static ToolDefinition Definition { get; } = ToolDefinition.Create(
        ToolName,
        "Send an e-mail from the company's address. Outside the company: the CEO may have to approve it first, and you are told if it is refused.",
        """
        {"type":"object","properties":{
          "to":{"type":"string","description":"Recipients, comma-separated e-mail addresses."},
          "subject":{"type":"string"},
          "body":{"type":"string","description":"The message, plain text."},
          "cc":{"type":"string","description":"Copies, comma-separated (optional)."}},
         "required":["to","subject","body"]}
        """);

    private const string OfferedSql = """
        SELECT EXISTS (SELECT FROM company_email_settings s JOIN agents a ON a.company_id = s.company_id
                       WHERE s.company_id = @company_id AND a.id = @agent_id AND @right = ANY(a.allowed_tools))
        """;

    public bool Owns(string toolName) => toolName == ToolName;

    public async Task<IReadOnlyList<ToolDefinition>> OfferedAsync(ITurnContext context, long companyId, long agentId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Sql(OfferedSql).With("company_id", companyId).With("agent_id", agentId).With("right", AgentTools.Email).ScalarAsync<bool>()
            ? [Definition]
            : [];
    }

    public async Task<ToolGate> CheckAsync(ITurnContext context, long companyId, long agentId, string toolName)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Sql(OfferedSql).With("company_id", companyId).With("agent_id", agentId).With("right", AgentTools.Email).ScalarAsync<bool>()
            ? new ToolGate(true, ToolClass.External, "smtp", ToolName)
            : ToolGate.Denied("email-not-allowed", "this agent may not send e-mail (the email right, and the company's SMTP account, are needed).", "smtp", ToolName);
    }

    public async Task<AgentToolResult> ExecuteAsync(string toolName, ToolInvocation invocation, Guid idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        if (!InternetAddressList.TryParse(args.Text("to", "recipients", "recipient") ?? "", out var to) || to.Count == 0)
        {
            return AgentToolResult.Error("'to' must hold one or more e-mail addresses, comma-separated.");
        }

        var cc = new InternetAddressList();
        if (args.Text("cc") is { } copies && !InternetAddressList.TryParse(copies, out cc))
        {
            return AgentToolResult.Error("'cc' must hold e-mail addresses, comma-separated.");
        }

        var subject = args.Text("subject", "title") ?? "";
        var body = args.Text("body", "text", "message", "content") ?? "";
        if (subject.Length == 0 || body.Length == 0)
        {
            return AgentToolResult.Error("'subject' and 'body' are required.");
        }

        if (await settings.AccountAsync(invocation.CompanyId, cancellationToken) is not { } account)
        {
            return AgentToolResult.Error("the company has no SMTP account (Integrations, e-mail).");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var journal = await new NpgsqlCommand(EmailSql.StartSend, connection)
            .With("activity_id", idempotencyKey).With("company_id", invocation.CompanyId).With("task_id", invocation.TaskId).With("now", time.GetUtcNow())
            .FirstOrDefaultAsync(r => new { Status = r.Get<string>("status"), Attempts = r.Get<int>("attempts"), Result = r.GetStringOrNull("result") }, cancellationToken);
        if (journal is { Status: "finished", Result: { } kept })
        {
            return JsonSerializer.Deserialize<AgentToolResult>(kept, RuntimeJson.Options)!;
        }

        var messageId = idempotencyKey.ToString("N") + "@fluidmanager";
        if (journal!.Attempts > 1)
        {
            // The previous attempt stopped during the send: SMTP cannot tell whether it went, and a second copy is worse than none.
            return await FinishAsync(connection, idempotencyKey, AgentToolResult.Error(
                $"the send of message {messageId} was interrupted and may or may not have gone out; it was not sent again. Check with the recipient before sending it again.",
                ToolJson.Of(new { messageId, outcome = "unknown" })), cancellationToken);
        }

        var message = new MimeMessage { Subject = subject, MessageId = messageId, Body = new TextPart("plain") { Text = body } };
        message.From.Add(new MailboxAddress(account.FromName ?? "", account.FromAddress));
        message.To.AddRange(to);
        message.Cc.AddRange(cc);
        if (invocation.TaskId is { } taskId)
        {
            message.Headers.Add("X-Fluid-Task", taskId.ToString(CultureInfo.InvariantCulture));
        }

        await SmtpSender.SendAsync(account, message, cancellationToken);

        Log.EmailSent(logger, invocation.CompanyId, invocation.AgentId, messageId, to.Count + cc.Count);
        long? artifactId = null;
        if (invocation.TaskId is { } task)
        {
            using var eml = new MemoryStream();
            await message.WriteToAsync(eml, cancellationToken);
            eml.Position = 0;
            var stored = await store.PutAsync(ObjectKeys.NewArtifactKey(invocation.CompanyId), eml, "message/rfc822", cancellationToken);
            using (CallerContext.As(Actor.AgentName(invocation.AgentId)))
            {
                var artifact = await grains.GetGrain<ITaskGrain>(task).AttachArtifactAsync(new AttachArtifactCommand
                {
                    CompanyId = invocation.CompanyId,
                    Kind = ArtifactKind.File,
                    Name = AgentBriefing.Clip($"E-mail {subject}.eml", 300),
                    Object = stored,
                    AgentId = invocation.AgentId,
                    StepKey = "email:" + idempotencyKey.ToString("N"),
                });
                artifactId = artifact.Id;
            }
        }

        var result = AgentToolResult.Ok(
            $"sent to {to}{(cc.Count > 0 ? $" (cc {cc})" : "")}, message {messageId}{(artifactId is { } a ? $"; kept as artifact #{a}" : "")}.",
            ToolJson.Of(new { messageId, recipients = to.Count + cc.Count, artifactId }));
        return await FinishAsync(connection, idempotencyKey, result, cancellationToken);
    }

    private async Task<AgentToolResult> FinishAsync(NpgsqlConnection connection, Guid activityId, AgentToolResult result, CancellationToken cancellationToken)
    {
        await new NpgsqlCommand(EmailSql.FinishSend, connection)
            .With("activity_id", activityId).With("result", JsonSerializer.Serialize(result, RuntimeJson.Options)).With("now", time.GetUtcNow())
            .ExecuteAsync(cancellationToken);
        return result;
    }
}
