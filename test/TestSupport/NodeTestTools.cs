using System.Diagnostics;

namespace FluidManager.TestSupport;

/// <summary>
/// The npm packages of test/tools (servers the tests start: the reference MCP servers…), installed with
/// <c>npm ci</c> from the checked-in lock file the first time a test needs one of them.
/// </summary>
public static class NodeTestTools
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The path of a file inside test/tools/node_modules, installing the packages when it is missing.</summary>
    public static async Task<string> PathAsync(params string[] parts)
    {
        var tools = Path.Combine(RepositoryRoot(), "test", "tools");
        var path = Path.Combine([tools, "node_modules", .. parts]);
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(path))
            {
                return path;
            }

            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund")
            {
                WorkingDirectory = tools,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"npm ci in {tools} failed ({npm.ExitCode}) or did not install {path}: {await output}{await error}");
            }

            return path;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FluidManager.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (FluidManager.slnx) above " + AppContext.BaseDirectory);
    }
}
