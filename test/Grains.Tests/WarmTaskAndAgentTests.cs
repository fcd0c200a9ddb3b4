using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.TestSupport;
using Npgsql;

namespace FluidManager.Grains.Tests;

/// <summary>
/// Agents and tasks answer their reads from memory once warm ([WarmReads]), and every writer of the rows
/// behind that memory reaches it before its caller reads again: the grain's own write turns, a write made
/// joined to another grain's turn, and another grain's turn writing the rows directly (a subtask's status, a
/// reporting line, an assignee's deletion). Joined writes from grains on either silo are covered with the
/// runtime's test grains (WarmStateTests).
/// </summary>
public sealed class WarmTaskAndAgentTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Warm_reads_of_an_agent_and_a_task_do_not_touch_the_database()
    {
        var company = await fixture.CreateCompanyAsync();
        // Neither row is written again after its creation (no reporting line, no assignee), so no commit can
        // tell the activations to drop what they load now.
        var agent = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", place: false);
        var task = await fixture.CreateTaskAsync(company, "Write the warm spec");
        (await fixture.Agent(agent.Id).GetAsync(company)).Should().BeEquivalentTo(agent);
        (await fixture.Task(task.Id).GetAsync(company)).Should().BeEquivalentTo(task);

        // While no statement can read agents or tasks, the reads still answer, and with the right company only.
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await LockAgentsAndTasksAsync(connection);
            (await fixture.Agent(agent.Id).GetAsync(company).WaitAsync(Wait)).Should().BeEquivalentTo(agent);
            (await fixture.Task(task.Id).GetAsync(company).WaitAsync(Wait)).Should().BeEquivalentTo(task);
            var otherCompanysAgent = () => fixture.Agent(agent.Id).GetAsync(company + 1_000_000).WaitAsync(Wait);
            await otherCompanysAgent.Should().ThrowAsync<NotFoundException>("memory answers only the agent's own company");
            var otherCompanysTask = () => fixture.Task(task.Id).GetAsync(company + 1_000_000).WaitAsync(Wait);
            await otherCompanysTask.Should().ThrowAsync<NotFoundException>("memory answers only the task's own company");
            await transaction.RollbackAsync();
        }

        // A refused call (the other company's) drops the memory like any failed turn: one read holds it again.
        await fixture.Task(task.Id).GetAsync(company);

        // A change nobody announces is not seen; once told, the activation reads the row again.
        await fixture.ExecuteAsync("UPDATE tasks SET title = 'Changed behind its back' WHERE id = @id", ("id", task.Id));
        (await fixture.Task(task.Id).GetAsync(company)).Title.Should().Be("Write the warm spec", "the warm activation does not read the row again");
        await fixture.ForgetWarmStateAsync("task", task.Id);
        (await fixture.Task(task.Id).GetAsync(company)).Title.Should().Be("Changed behind its back");
    }

    /// <summary>
    /// Takes locks that keep every other statement off agents, tasks and org_edges, in a transaction the caller
    /// ends. Other test classes share the database: NOWAIT, tried again until it succeeds, never waits behind
    /// their transactions, so it neither queues their statements behind a waiting lock nor deadlocks with them.
    /// </summary>
    private static async Task<NpgsqlTransaction> LockAgentsAndTasksAsync(NpgsqlConnection connection) =>
        await Eventually.WaitAsync(
            async () =>
            {
                var transaction = await connection.BeginTransactionAsync();
                try
                {
                    await using var lockTables = new NpgsqlCommand("LOCK TABLE agents, tasks, org_edges IN ACCESS EXCLUSIVE MODE NOWAIT", connection, transaction);
                    await lockTables.ExecuteNonQueryAsync();
                    return transaction;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
                {
                    await transaction.DisposeAsync();
                    return null;
                }
            },
            transaction => transaction is not null,
            Wait,
            "locks on agents, tasks and org_edges") ?? throw new InvalidOperationException("No transaction.");

    [Fact]
    public async Task The_grains_own_writes_are_read_at_once()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", place: false);
        var task = await fixture.CreateTaskAsync(company, "Draft");
        await fixture.Agent(agent.Id).GetAsync(company);
        await fixture.Task(task.Id).GetAsync(company);

        var profile = GrainsFixture.Profile("Ada", "Developer", "Engineering") with { Bio = "Writes compilers." };
        var updated = await fixture.Agent(agent.Id).UpdateAsync(new UpdateAgentCommand(company, profile, agent.Version));
        (await fixture.Agent(agent.Id).GetAsync(company)).Should().BeEquivalentTo(updated);
        (await fixture.Agent(agent.Id).GetAsync(company)).Profile.Bio.Should().Be("Writes compilers.");
        await fixture.Agent(agent.Id).SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Paused));
        (await fixture.Agent(agent.Id).GetAsync(company)).Status.Should().Be(AgentStatus.Paused);

        var edited = await fixture.Task(task.Id).EditAsync(new EditTaskCommand(company, "Final", null, task.Version));
        (await fixture.Task(task.Id).GetAsync(company)).Should().BeEquivalentTo(edited);
        await fixture.Task(task.Id).ChangePriorityAsync(new ChangePriorityCommand(company, TaskPriority.High));
        var read = await fixture.Task(task.Id).GetAsync(company);
        read.Title.Should().Be("Final");
        read.Priority.Should().Be(TaskPriority.High);
    }

    [Fact]
    public async Task A_task_cancelled_by_its_parents_cascade_and_a_parent_whose_subtasks_changed_are_read_fresh()
    {
        var company = await fixture.CreateCompanyAsync();
        var parent = await fixture.CreateTaskAsync(company, "Parent");
        (await fixture.Task(parent.Id).GetAsync(company)).Subtasks.Total.Should().Be(0);

        // The company's turn inserts the subtask rows: the parent's progress counts them.
        var first = await fixture.CreateTaskAsync(company, "First part", parent: parent.Id);
        var second = await fixture.CreateTaskAsync(company, "Second part", parent: parent.Id);
        var progress = (await fixture.Task(parent.Id).GetAsync(company)).Subtasks;
        progress.Total.Should().Be(2);
        progress.Queued.Should().Be(2);

        // A subtask's own turn changes its status: the parent's progress follows.
        (await fixture.Task(first.Id).GetAsync(company)).Status.Should().Be(TaskState.Queued);
        await fixture.Task(first.Id).CancelAsync(new CancelTaskCommand(company, Reason: "Not needed"));
        (await fixture.Task(first.Id).GetAsync(company)).Status.Should().Be(TaskState.Cancelled);
        progress = (await fixture.Task(parent.Id).GetAsync(company)).Subtasks;
        progress.Cancelled.Should().Be(1);
        progress.Queued.Should().Be(1);

        // The parent's cancel posts the warm second subtask a message; the subtask's own turn cancels it.
        (await fixture.Task(second.Id).GetAsync(company)).Status.Should().Be(TaskState.Queued);
        await fixture.Task(parent.Id).CancelAsync(new CancelTaskCommand(company, Cascade: true, Reason: "Dropped"));
        var secondRead = await Eventually.WaitAsync(
            () => fixture.Task(second.Id).GetAsync(company), t => t.Status == TaskState.Cancelled, TimeSpan.FromSeconds(30), "the cascade to reach the warm subtask");
        secondRead.Status.Should().Be(TaskState.Cancelled);
        var parentRead = await Eventually.WaitAsync(
            () => fixture.Task(parent.Id).GetAsync(company), t => t.Subtasks.Cancelled == 2, TimeSpan.FromSeconds(30), "the parent to count both cancelled subtasks");
        parentRead.Status.Should().Be(TaskState.Cancelled);
        parentRead.Subtasks.Cancelled.Should().Be(2);
    }

    [Fact]
    public async Task A_reporting_line_changed_by_the_hierarchy_policy_is_read_fresh_from_the_agent()
    {
        var company = await fixture.CreateCompanyAsync();
        var lead = await fixture.HireAsync(company, "Linus", "Tech Lead", "Engineering");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var before = await fixture.Agent(dev.Id).GetAsync(company);
        before.ReportsToCeo.Should().BeTrue();
        before.ManagerAgentId.Should().BeNull();

        // The policy's turn writes org_edges itself; the agent's row is not written, its reporting line is.
        await fixture.Policy(company).MoveSubtreeAsync(new MoveSubtreeCommand(company, dev.Id, lead.Id));
        var moved = await fixture.Agent(dev.Id).GetAsync(company);
        moved.ManagerAgentId.Should().Be(lead.Id);
        moved.ReportsToCeo.Should().BeFalse();

        await fixture.Policy(company).RemoveEdgeAsync(new RemoveOrgEdgeCommand(company, dev.Id));
        var removed = await fixture.Agent(dev.Id).GetAsync(company);
        removed.ManagerAgentId.Should().BeNull();
        removed.ReportsToCeo.Should().BeFalse("the agent is out of the chart");

        await fixture.Policy(company).AddEdgeAsync(new AddOrgEdgeCommand(company, lead.Id, dev.Id));
        (await fixture.Agent(dev.Id).GetAsync(company)).ManagerAgentId.Should().Be(lead.Id);
    }

    [Fact]
    public async Task Deleting_an_agent_clears_the_assignee_of_its_warm_finished_tasks()
    {
        var company = await fixture.CreateCompanyAsync();
        using var ceo = As.Ceo();
        // Paused, so that no agent loop starts on the task meanwhile.
        var agent = await fixture.Company(company).CreateAgentAsync(new CreateAgentCommand
        {
            CompanyId = company,
            Profile = GrainsFixture.Profile("Ada", "Developer", "Engineering"),
            Status = AgentStatus.Paused,
        });
        var task = await fixture.CreateTaskAsync(company, "Short-lived", assignee: agent.Id);
        await fixture.Task(task.Id).CancelAsync(new CancelTaskCommand(company, Reason: "Not needed"));
        (await fixture.Task(task.Id).GetAsync(company)).AssigneeAgentId.Should().Be(agent.Id);

        // The agent's turn deletes its row; the foreign key clears the task's assignee.
        await fixture.Agent(agent.Id).DeleteAsync(new DeleteAgentCommand(company));
        (await fixture.Task(task.Id).GetAsync(company)).AssigneeAgentId.Should().BeNull();
        var gone = () => fixture.Agent(agent.Id).GetAsync(company);
        await gone.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task A_write_turn_that_fails_leaves_nothing_it_wrote_in_memory()
    {
        var company = await fixture.CreateCompanyAsync();
        using var ceo = As.Ceo();
        var archived = await fixture.HireAsync(company, "Old", "Developer", "Engineering", place: false);
        await fixture.Agent(archived.Id).SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Archived));
        var parent = await fixture.CreateTaskAsync(company, "Parent");
        (await fixture.Task(parent.Id).GetAsync(company)).Subtasks.Total.Should().Be(0);

        // The company's turn inserts a subtask (the parent's progress counts it, and the parent's own turn reads
        // it nested), then fails: the assignee is archived. Nothing of it may reach the parent's memory.
        var refused = () => fixture.CreateTaskAsync(company, "Doomed part", assignee: archived.Id, parent: parent.Id);
        await refused.Should().ThrowAsync<ConflictException>();
        (await fixture.Task(parent.Id).GetAsync(company)).Subtasks.Total.Should().Be(0);

        // The task's own write turn fails in the database: its memory keeps nothing of the attempt.
        var bad = () => fixture.Task(parent.Id).EditAsync(new EditTaskCommand(company, "Nul\0title", null));
        await bad.Should().ThrowAsync<PostgresException>();
        // The failed transaction deactivates the activation; a call that reaches it while it goes may get the same error.
        var read = await Eventually.WaitAsync(
            async () =>
            {
                try
                {
                    return await fixture.Task(parent.Id).GetAsync(company);
                }
                catch (PostgresException)
                {
                    return null;
                }
            },
            t => t is not null,
            Wait,
            "the task to answer after its failed turn");
        read!.Title.Should().Be("Parent");
        read.Subtasks.Total.Should().Be(0);

        // A write that commits is seen.
        await fixture.CreateTaskAsync(company, "Real part", parent: parent.Id);
        (await fixture.Task(parent.Id).GetAsync(company)).Subtasks.Total.Should().Be(1);
    }
}
