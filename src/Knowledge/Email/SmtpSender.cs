using FluidManager.Knowledge.Web;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FluidManager.Knowledge.Email;

/// <summary>
/// Sends one message through the company's SMTP account with MailKit, over a connection made by the mail
/// <see cref="AddressPolicy"/>: the server may be on the installation's own machine or LAN (a local relay), never at a
/// link-local (cloud metadata) or reserved address, checked after DNS resolution.
/// </summary>
internal static class SmtpSender
{
    public static readonly WebAddressPolicy AddressPolicy =
        new(WebAddressPolicy.PrivateNetworks, "link-local (cloud metadata) and reserved addresses are never reached by the mail connection");

    public static async Task SendAsync(SmtpAccount account, MimeMessage message, CancellationToken cancellationToken)
    {
        using var smtp = new SmtpClient();
        var socket = await AddressPolicy.ConnectSocketAsync(account.Host, account.Port, cancellationToken);
        try
        {
            await smtp.ConnectAsync(socket, account.Host, account.Port, account.Security switch
            {
                "tls" => SecureSocketOptions.SslOnConnect,
                "starttls" => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            }, cancellationToken);
        }
        catch
        {
            socket.Dispose(); // the client owns it only once connected
            throw;
        }

        if (account.Username is { } user)
        {
            await smtp.AuthenticateAsync(user, account.Password ?? "", cancellationToken);
        }

        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }
}
