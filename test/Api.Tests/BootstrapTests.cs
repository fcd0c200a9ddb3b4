using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FluidManager.Grains;
using FluidManager.Grains.Access;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Api.Tests;

public sealed partial class BootstrapTests
{
    private static readonly System.Reflection.Assembly[] Schema = [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly];

    [Fact]
    public async Task Concurrent_first_starts_create_exactly_one_company_and_owner()
    {
        var connectionString = await TestCluster.CreateDatabaseAsync("bootstrap", Schema);
        try
        {
            await using var services = new ServiceCollection()
                .AddSingleton(NpgsqlDataSource.Create(connectionString))
                .AddAccess()
                .BuildServiceProvider();
            var companies = services.GetRequiredService<CompanyDirectory>();

            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                Task.Run(() => companies.BootstrapAsync("Acme", "first@fluid.local", "First", null, CancellationToken.None))));

            var created = results.Should().ContainSingle(r => r != null).Subject!;
            created.AccountCreated.Should().BeTrue();
            created.GeneratedPassword.Should().HaveLength(20);
            var identity = await services.GetRequiredService<UserDirectory>().VerifyPasswordAsync("first@fluid.local", created.GeneratedPassword!, null, CancellationToken.None);
            identity.Should().NotBeNull();
            identity!.Role.Should().Be(CompanyRoles.Ceo);

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT (SELECT count(*) FROM companies) + (SELECT count(*) FROM users)", connection);
            ((long)(await count.ExecuteScalarAsync())!).Should().Be(2);
        }
        finally
        {
            await TestCluster.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task First_start_without_a_configured_password_logs_a_generated_one_on_the_owner_account_line()
    {
        var connectionString = await TestCluster.CreateDatabaseAsync("bootstrap", Schema);
        var logs = new ConcurrentQueue<string>();
        try
        {
            await using (var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("ConnectionStrings:Fluid", connectionString);
                b.UseSetting("Fluid:Cluster:SiloPort", "0");
                b.UseSetting("Fluid:Cluster:GatewayPort", "0");
                b.UseSetting("Fluid:Bootstrap:CompanyName", "Initech");
                b.UseEnvironment("Testing");
                b.ConfigureLogging(l => l.AddProvider(new CapturingLoggerProvider(logs)));
            }))
            {
                using var client = factory.CreateClient();
                var line = logs.Should().ContainSingle(l => l.Contains("owner account", StringComparison.Ordinal)).Subject;
                var password = GeneratedPassword().Match(line).Groups["password"].Value;
                password.Should().HaveLength(20);

                var login = await client.PostAsJsonAsync("/api/auth/login", new { email = "owner@fluid.local", password });
                var session = await login.ReadJsonAsync();
                session.GetProperty("company").GetProperty("name").GetString().Should().Be("Initech");
            }
        }
        finally
        {
            await TestCluster.DropDatabaseAsync(connectionString);
        }
    }

    [GeneratedRegex("generated password (?<password>\\S+)")]
    private static partial Regex GeneratedPassword();

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
