using System.CommandLine;
using FluidManager.Scenarios;

namespace FluidManager.Cli;

/// <summary>
/// <c>scenario FILE</c>: plays a scenario against a running Api and prints PASS or FAIL for every
/// expectation, then "N passed, N failed". Exit status: 0 all passed, 1 a failure, 2 the scenario
/// or the connection is unusable.
/// </summary>
public static class ScenarioCommand
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int Unusable = 2;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The scenario file (JSON; see scenarios/README.md)." };
        var url = new Option<Uri>("--url")
        {
            Description = "Base address of the Api (env FLUID_URL).",
            DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("FLUID_URL") is { Length: > 0 } env ? env : "http://127.0.0.1:5080"),
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var address) && address.Scheme is "http" or "https")
                {
                    return address;
                }

                result.AddError($"--url: '{text}' is not an http(s) address such as http://127.0.0.1:5080.");
                return null;
            },
        };
        var token = new Option<string?>("--token") { Description = "A personal API token, fm_… (env FLUID_TOKEN). The scenario plays into the token's company." };
        var email = new Option<string?>("--email") { Description = "Sign in with this e-mail address instead of a token (env FLUID_EMAIL)." };
        var password = new Option<string?>("--password") { Description = "The password for --email (env FLUID_PASSWORD)." };
        var newCompany = new Option<string?>("--new-company")
        {
            Description = "Create a company for the scenario (named NAME, default the scenario's company name) and play into it. Needs --email.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("scenario", "Plays a scenario file against a running Api and checks its expectations.")
        {
            file, url, token, email, password, newCompany,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(file)!,
            result.GetValue(url)!,
            result.GetValue(token) ?? Env("FLUID_TOKEN"),
            result.GetValue(email) ?? Env("FLUID_EMAIL"),
            result.GetValue(password) ?? Env("FLUID_PASSWORD"),
            result.GetResult(newCompany) is null ? null : result.GetValue(newCompany) ?? "",
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo file, Uri url, string? token, string? email, string? password, string? newCompany, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        Scenario scenario;
        try
        {
            scenario = await ScenarioReader.ReadFileAsync(file.FullName, cancellationToken);
        }
        catch (Exception ex) when (ex is ScenarioFormatException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"{file.Name}: {ex.Message}");
            return Unusable;
        }

        if (token is null && (email is null || password is null))
        {
            await Console.Error.WriteLineAsync("Give --token (or FLUID_TOKEN), or --email and --password (or FLUID_EMAIL and FLUID_PASSWORD).");
            return Unusable;
        }

        FluidClient client;
        try
        {
            var companyName = newCompany switch
            {
                null => null,
                "" => $"{scenario.Company?.Name ?? scenario.Name ?? "Scenario"} {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}",
                _ => newCompany,
            };
            client = await FluidClient.ConnectAsync(url, token, email, password, companyName, cancellationToken);
        }
        catch (ScenarioActionException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot connect: {ex.Message}");
            return Unusable;
        }

        using (client)
        {
            await Console.Error.WriteLineAsync($"Playing {file.Name} into company \"{client.CompanyName}\" ({client.CompanyId}) at {url}");
            var actions = new HttpScenarioActions(client);
            var player = new ScenarioPlayer(actions);
            var passed = 0;
            var failed = 0;
            try
            {
                var run = await player.PlayAsync(scenario, actions, outcome =>
                {
                    _ = outcome.Passed ? passed++ : failed++;
                    Console.WriteLine($"{(outcome.Passed ? "PASS" : "FAIL")} {outcome.Where} {outcome.Description}{(outcome.Detail is null ? "" : $" — {outcome.Detail}")}");
                }, cancellationToken);
                await Console.Error.WriteLineAsync($"Hired {run.Agents.Count} agents; {run.Tasks.Count} named tasks.");
            }
            catch (ScenarioStepException ex)
            {
                Console.WriteLine($"FAIL {ex.Where} {ex.Description} — {ex.InnerException?.Message}");
                failed++;
            }

            Console.WriteLine($"{passed} passed, {failed} failed");
            return failed == 0 ? Passed : Failed;
        }
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
