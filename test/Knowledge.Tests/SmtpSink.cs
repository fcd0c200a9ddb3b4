using System.Diagnostics;
using System.Globalization;
using FluidManager.TestSupport;

namespace FluidManager.Knowledge.Tests;

/// <summary>The local SMTP server of test/tools (smtp-server), writing each message it accepts into a folder as <c>n.eml</c>.</summary>
internal sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port, string mailbox)
    {
        _process = process;
        Port = port;
        Mailbox = mailbox;
    }

    public int Port { get; }

    public string Mailbox { get; }

    /// <summary>The messages received so far, as raw RFC 5322 text.</summary>
    public IReadOnlyList<string> Messages => Directory.GetFiles(Mailbox).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();

    public static async Task<SmtpSink> StartAsync()
    {
        var mailbox = Directory.CreateTempSubdirectory("fluid-smtp-").FullName;
        var script = await NodeTestTools.PathAsync("..", "smtp-sink.mjs");
        await NodeTestTools.PathAsync("smtp-server", "package.json");
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("node") { ArgumentList = { script, mailbox }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false },
        };
        process.Start();
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        line.Should().StartWith("listening on ");
        return new SmtpSink(process, int.Parse(line!["listening on ".Length..], CultureInfo.InvariantCulture), mailbox);
    }

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(Mailbox, recursive: true);
    }
}
