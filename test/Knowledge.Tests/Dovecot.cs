using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// A throwaway IMAP server: Debian's dovecot run in the foreground with a configuration of its own in a temporary
/// folder (127.0.0.1 on a free port, no TLS, one user from a passwd file, maildir under the folder).
/// scripts/test.sh installs dovecot-imapd; without it the tests that need it are skipped, saying why.
/// </summary>
internal sealed class Dovecot : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private Dovecot(Process process, string folder, int port, string user, string password)
    {
        _process = process;
        _folder = folder;
        Port = port;
        User = user;
        Password = password;
    }

    public int Port { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>The dovecot binary, or null when the package is not installed.</summary>
    public static string? Binary => new[] { "/usr/sbin/dovecot", "/usr/bin/dovecot" }.FirstOrDefault(File.Exists);

    /// <summary>Skips the calling test, saying why, when dovecot is not installed.</summary>
    public static void SkipUnlessInstalled() =>
        Skip.If(Binary is null, "dovecot is not installed (apt-get install dovecot-imapd; scripts/test.sh installs it): the mailbox tests need a real IMAP server");

    public static async Task<Dovecot> StartAsync(string user = "mia", string? password = null)
    {
        password ??= "imap-" + Guid.NewGuid().ToString("N");
        var folder = Directory.CreateTempSubdirectory("fluid-dovecot-").FullName;
        var mail = Directory.CreateDirectory(Path.Combine(folder, "mail")).FullName;
        var root = CurrentUid() == 0;

        // Dovecot never gives mail to root: as root, the mail belongs to its own "dovecot" user, which must reach the folder.
        var (uid, gid) = root ? PasswdIds("dovecot") : (CurrentUid(), CurrentGid());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(mail, (UnixFileMode)0x1FF);
        }
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(folder, "users"), $"{user}:{{PLAIN}}{password}\n");
        var runAs = root ? "" : $"default_login_user = {Environment.UserName}\ndefault_internal_user = {Environment.UserName}\n";
        var config = Path.Combine(folder, "dovecot.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            log_path = {{folder}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{{mail}}/%u
            first_valid_uid = 1
            {{runAs}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{folder}}/users
            }
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{mail}}/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            """));
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(Binary ?? throw new InvalidOperationException("dovecot is not installed"))
            {
                ArgumentList = { "-F", "-c", config }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            },
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Dovecot(process, folder, port, user, password);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var probe = await server.ConnectAsync();
                return server;
            }
            catch (Exception ex) when (ex is SocketException or IOException or ImapProtocolException or AuthenticationException && DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (Exception ex)
            {
                var log = File.Exists(Path.Combine(folder, "dovecot.log")) ? await File.ReadAllTextAsync(Path.Combine(folder, "dovecot.log")) : "(no log)";
                await server.DisposeAsync();
                throw new InvalidOperationException($"dovecot did not serve IMAP on 127.0.0.1:{port}: {ex.Message}\n{log}", ex);
            }
        }
    }

    /// <summary>An IMAP connection of the test user, logged in.</summary>
    public async Task<ImapClient> ConnectAsync()
    {
        var imap = new ImapClient();
        try
        {
            await imap.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
            await imap.AuthenticateAsync(User, Password);
            return imap;
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }

    /// <summary>Puts a message into the user's INBOX (unread), as a delivery would; returns its UID.</summary>
    public async Task<uint> AppendAsync(string from, string subject, string body, string folder = "INBOX")
    {
        using var imap = await ConnectAsync();
        var target = folder == "INBOX" ? imap.Inbox : await imap.GetFolderAsync(folder);
        var message = new MimeMessage { Subject = subject, Date = DateTimeOffset.UtcNow, Body = new TextPart("plain") { Text = body } };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(User + "@acme.test"));
        var uid = await target.AppendAsync(message, MessageFlags.None);
        await imap.DisconnectAsync(true);
        return uid?.Id ?? throw new InvalidOperationException("the server did not answer the message's UID (UIDPLUS)");
    }

    /// <summary>The UIDs of the INBOX's messages that carry \Seen.</summary>
    public async Task<IReadOnlyList<uint>> SeenAsync()
    {
        using var imap = await ConnectAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var seen = await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.Seen);
        await imap.DisconnectAsync(true);
        return [.. seen.Select(u => u.Id).Order()];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int CurrentUid() => StatusId("Uid:");

    private static int CurrentGid() => StatusId("Gid:");

    private static int StatusId(string field) =>
        int.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static (int Uid, int Gid) PasswdIds(string user)
    {
        var fields = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == user)
            ?? throw new InvalidOperationException($"the user '{user}' that the dovecot package creates is missing from /etc/passwd");
        return (int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }
}
