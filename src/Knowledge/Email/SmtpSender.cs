using FluidManager.Knowledge.Web;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FluidManager.Knowledge.Email;

/// <summary>
/// Sends one message through the company's SMTP account with MailKit, over a connection made by the mail
/// <see cref="AddressPolicy"/>: the server may be on the installation's own machine or LAN (a local relay), never at a
/// link-local (cloud metadata) or reserved address, checked after DNS resolution. The mailbox check's IMAP
/// connections are made the same way (<see cref="ConnectAsync"/>).
/// </summary>
internal static class SmtpSender
{
    public static readonly WebAddressPolicy AddressPolicy =
        new(WebAddressPolicy.PrivateNetworks, "link-local (cloud metadata) and reserved addresses are never reached by the mail connection");

    public static async Task SendAsync(SmtpAccount account, MimeMessage message, CancellationToken cancellationToken)
    {
        using var smtp = new SmtpClient();
        await ConnectAsync(smtp, account.Host, account.Port, account.Security, cancellationToken);
        if (account.Username is { } user)
        {
            await smtp.AuthenticateAsync(user, account.Password ?? "", cancellationToken);
        }

        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>
    /// Connects a MailKit client (SMTP or IMAP) through <see cref="AddressPolicy"/>, with the account's security
    /// mode: <c>tls</c> (TLS from the start), <c>starttls</c> or <c>none</c>.
    /// </summary>
    public static async Task ConnectAsync(MailService client, string host, int port, string security, CancellationToken cancellationToken)
    {
        var socket = await AddressPolicy.ConnectSocketAsync(host, port, cancellationToken);
        try
        {
            await client.ConnectAsync(socket, host, port, security switch
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
    }
}
