using System.Text;
using FluidManager.Grains.Alerts;
using FluidManager.Grains.Data;
using FluidManager.Knowledge.Email;
using FluidManager.Runtime.Activities;
using Microsoft.Extensions.Logging;
using MimeKit;
using Npgsql;

namespace FluidManager.Knowledge.Webhooks;

/// <summary>What an alert e-mail ended with: sent (to how many) or skipped (why).</summary>
public sealed record AlertEmailResult(string Outcome, int Recipients);

/// <summary>
/// E-mails a fired alert to the company's ceos and admins through its SMTP account (the one the send_email tool
/// uses), outside any grain turn; without a configured mail server it sends nothing. The message id comes from the
/// activity id, so a receiving server can drop the copy a retry may send.
/// </summary>
internal sealed class AlertEmailActivity(EmailSettings settings, NpgsqlDataSource dataSource, ILogger<AlertEmailActivity> logger)
    : ActivityHandler<AlertEmailInput, AlertEmailResult>
{
    public const string ActivityKind = "alert.email";

    public override string Kind => ActivityKind;

    protected override async Task<AlertEmailResult> ExecuteAsync(AlertEmailInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(execution);
        if (await settings.AccountAsync(input.CompanyId, cancellationToken) is not { } account)
        {
            return new AlertEmailResult("skipped: the company has no mail server", 0);
        }

        List<string> recipients;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            recipients = await new NpgsqlCommand(WebhooksSql.AlertRecipients, connection).With("company_id", input.CompanyId)
                .ListAsync(r => r.GetString(0), cancellationToken);
        }

        if (recipients.Count == 0)
        {
            return new AlertEmailResult("skipped: the company has no ceo or admin", 0);
        }

        var alert = input.Alert;
        var body = new StringBuilder()
            .AppendLine(alert.Subject)
            .AppendLine()
            .AppendLine(alert.Detail)
            .AppendLine()
            .Append("Kind: ").AppendLine(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(alert.Kind.ToString()))
            .Append("Cause: ").AppendLine(alert.Cause)
            .Append("Fired at: ").AppendLine(alert.FiredAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        var message = new MimeMessage
        {
            Subject = "[fluidManager alert] " + alert.Subject,
            MessageId = execution.Id.ToString("N") + "@fluidmanager",
            Body = new TextPart("plain") { Text = body.ToString() },
        };
        message.From.Add(new MailboxAddress(account.FromName ?? "", account.FromAddress));
        message.To.AddRange(recipients.Select(r => MailboxAddress.Parse(r)));
        message.Headers.Add("X-Fluid-Alert", alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SmtpSender.SendAsync(account, message, cancellationToken);
        Log.AlertEmailSent(logger, input.CompanyId, alert.Id, recipients.Count);
        return new AlertEmailResult("sent", recipients.Count);
    }
}
