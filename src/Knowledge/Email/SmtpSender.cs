using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FluidManager.Knowledge.Email;

/// <summary>Sends one message through the company's SMTP account with MailKit.</summary>
internal static class SmtpSender
{
    public static async Task SendAsync(SmtpAccount account, MimeMessage message, CancellationToken cancellationToken)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(account.Host, account.Port, account.Security switch
        {
            "tls" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        }, cancellationToken);
        if (account.Username is { } user)
        {
            await smtp.AuthenticateAsync(user, account.Password ?? "", cancellationToken);
        }

        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }
}
