using FluidManager.Runtime.Hosting;
using Npgsql;

namespace FluidManager.Runtime.Tests;

/// <summary>The runtime's connections prepare the statements they repeat, unless the connection string says otherwise.</summary>
public sealed class PreparedStatementTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Theory]
    [InlineData("Host=db", 256, 2)]
    [InlineData("Host=db;Max Auto Prepare=0", 0, 5)]
    [InlineData("Host=db;maxautoprepare=10", 10, 5)]
    [InlineData("Host=db;Auto Prepare Min Usages=4", 256, 4)]
    public void The_connection_string_keeps_the_last_word(string connectionString, int maxAutoPrepare, int minUsages)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);

        FluidRuntimeHostingExtensions.PrepareAutomatically(settings);

        settings.MaxAutoPrepare.Should().Be(maxAutoPrepare);
        settings.AutoPrepareMinUsages.Should().Be(minUsages);
    }

    [Theory]
    [InlineData("Host=db", true)]
    [InlineData("Host=db;No Reset On Close=false", false)]
    [InlineData("Host=db;noresetonclose=true", true)]
    public void A_connection_is_not_reset_on_return_unless_the_connection_string_asks(string connectionString, bool noReset)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);

        FluidRuntimeHostingExtensions.KeepSessionsOnReturn(settings);

        settings.NoResetOnClose.Should().Be(noReset);
    }

    [Fact]
    public async Task A_statement_run_twice_on_a_runtime_connection_is_prepared_on_the_server()
    {
        await using var runtime = await RuntimeHost.StartAsync(database, pumps: false);
        await using var connection = await runtime.Get<NpgsqlDataSource>().OpenConnectionAsync();
        const string Probe = "SELECT count(*) FROM runtime.messages WHERE grain_type = @type";

        for (var i = 0; i < 3; i++)
        {
            await using var command = new NpgsqlCommand(Probe, connection);
            command.Parameters.AddWithValue("type", "prepared-probe");
            (await command.ExecuteScalarAsync()).Should().Be(0L);
        }

        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%runtime.messages WHERE grain_type = $1%'", connection);
        ((long)(await prepared.ExecuteScalarAsync())!).Should().Be(1, "the runtime's data source prepares a statement from its second run");
    }
}
