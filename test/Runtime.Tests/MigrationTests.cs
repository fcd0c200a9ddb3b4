using FluidManager.Runtime.Migrations;
using FluidManager.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FluidManager.Runtime.Tests;

public sealed class MigrationTests : IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        // An empty database (the superuser's setup only): no template, so the runner itself is exercised.
        _connectionString = await TestCluster.CreateEmptyDatabaseAsync("migr");
    }

    public Task DisposeAsync() => TestCluster.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Concurrent_runners_apply_each_migration_exactly_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var assemblies = new[] { new MigrationAssembly(typeof(MigrationRunner).Assembly), new MigrationAssembly(typeof(FluidManager.Grains.GrainsHostingExtensions).Assembly) };
        var runners = Enumerable.Range(0, 4).Select(_ => new MigrationRunner(dataSource, assemblies, NullLogger<MigrationRunner>.Instance)).ToList();

        var results = await Task.WhenAll(runners.Select(r => r.ApplyAsync(CancellationToken.None)));

        var expected = runners[0].Discover().Select(m => m.Name).ToList();
        results.SelectMany(r => r).Should().BeEquivalentTo(expected, "every file is applied once, by whichever runner got the lock first");
        (await runners[0].IsUpToDateAsync(CancellationToken.None)).Should().BeTrue();
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM public.schema_migrations");
        ((long)(await count.ExecuteScalarAsync())!).Should().Be(expected.Count);
    }

    [Fact]
    public async Task Failing_migration_rolls_back_and_names_the_file()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var runner = new MigrationRunner(dataSource, [new MigrationAssembly(typeof(MigrationTests).Assembly)], NullLogger<MigrationRunner>.Instance);

        var act = () => runner.ApplyAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<MigrationException>()).Which.Message.Should().Contain("0002_broken.sql");
        await using var check = dataSource.CreateCommand("SELECT to_regclass('public.half_written') IS NULL, (SELECT count(*) FROM public.schema_migrations)");
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetBoolean(0).Should().BeTrue("the failed file's first statement is rolled back with it");
        reader.GetInt64(1).Should().Be(1, "the good migration before it stays applied");
    }

    [Fact]
    public async Task Pgvector_extension_and_hnsw_index_answer_a_nearest_neighbour_query()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("CREATE EXTENSION IF NOT EXISTS vector"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO items SELECT i, ARRAY[i, i * 2, 1]::real[]::vector FROM generate_series(1, 500) i"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("CREATE INDEX items_embedding_ix ON items USING hnsw (embedding vector_l2_ops)"));
        await batch.ExecuteNonQueryAsync();

        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var plan = new NpgsqlCommand("EXPLAIN SELECT id FROM items ORDER BY embedding <-> @q::real[]::vector LIMIT 3", connection);
        plan.Parameters.AddWithValue("q", new float[] { 42, 84, 1 });
        var planText = string.Join("\n", await ReadAllAsync(plan));
        planText.Should().Contain("items_embedding_ix");

        await using var query = new NpgsqlCommand("SELECT id FROM items ORDER BY embedding <-> @q::real[]::vector LIMIT 3", connection);
        query.Parameters.AddWithValue("q", new float[] { 42, 84, 1 });
        var nearest = await ReadAllAsync(query);
        nearest[0].Should().Be("42");
        nearest.Skip(1).Should().BeEquivalentTo("41", "43"); // equidistant: either order
    }

    private static async Task<List<string>> ReadAllAsync(NpgsqlCommand command)
    {
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetValue(0).ToString()!);
        }

        return rows;
    }
}
