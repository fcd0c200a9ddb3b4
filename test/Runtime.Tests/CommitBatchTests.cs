using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Runtime.Tests;

/// <summary>A turn's last statements and its COMMIT go in one round trip: all of them take effect, or none.</summary>
public sealed class CommitBatchTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task A_batch_run_with_its_commit_commits_and_notifies_once_and_a_failing_one_does_neither()
    {
        await using var dataSource = database.CreateDataSource();
        await using var listener = await dataSource.OpenConnectionAsync();
        var heard = new List<string>();
        listener.Notification += (_, e) => heard.Add(e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN commit_probe", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using (var create = new NpgsqlCommand("CREATE TEMP TABLE commit_probe (n int PRIMARY KEY)", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using (var transaction = await connection.BeginTransactionAsync())
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO commit_probe VALUES (1)"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify('commit_probe', 'one')"));
                await TurnState.RunAndCommitAsync(batch, CancellationToken.None);
            }

            // The duplicate key fails before the COMMIT of the batch is reached: nothing of it stays, nothing is heard.
            await using (var transaction = await connection.BeginTransactionAsync())
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO commit_probe VALUES (2)"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify('commit_probe', 'two')"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO commit_probe VALUES (1)"));
                var commit = () => TurnState.RunAndCommitAsync(batch, CancellationToken.None);
                await commit.Should().ThrowAsync<PostgresException>().Where(e => e.SqlState == PostgresErrorCodes.UniqueViolation);
            }

            // The connection is idle and usable again once the failed transaction is disposed.
            await using var after = new NpgsqlCommand("SELECT count(*) FROM commit_probe", connection);
            ((long)(await after.ExecuteScalarAsync())!).Should().Be(1);
        }

        await using (var wait = new NpgsqlCommand("SELECT pg_sleep(0.3)", listener))
        {
            await wait.ExecuteNonQueryAsync(); // notifications arrive with the listener's next exchange
        }

        heard.Should().Equal("one");
    }
}
