using System.Globalization;
using System.Text;

namespace FluidManager.Grains.Schedules;

/// <summary>The part of a mailbox-check task that lists the messages the check took.</summary>
internal static class MailboxDigest
{
    /// <summary>Keeps the whole description within the task's 50,000 characters, whatever the template's own text.</summary>
    private const int MaxChars = 40_000;

    /// <summary>What a message's lines other than its excerpt may take (the check cuts sender and subject to 200 characters).</summary>
    private const int HeaderChars = 500;

    /// <summary>Every message is listed; when many arrive at once their excerpts are shortened so that all fit.</summary>
    public static string Describe(MailboxCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var excerptChars = Math.Max(100, (MaxChars / Math.Max(1, result.Messages.Count)) - HeaderChars);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{result.Messages.Count} new message(s) in {result.Folder} of {result.Mailbox}:");
        var number = 0;
        foreach (var message in result.Messages)
        {
            text.Append("\n\n").Append(CultureInfo.InvariantCulture, $"{++number}. From: {message.From ?? "(no sender)"}")
                .Append("\n   Subject: ").Append(message.Subject ?? "(no subject)")
                .Append("\n   Date: ").Append(message.Date?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "(no date)");
            var excerpt = message.Excerpt.Length > excerptChars ? message.Excerpt[..excerptChars].TrimEnd() + " …" : message.Excerpt;
            if (excerpt.Length > 0)
            {
                text.Append("\n   Text: ").Append(excerpt);
            }
        }

        return text.ToString();
    }
}
