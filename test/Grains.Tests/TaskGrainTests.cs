using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Tests;

public sealed class TaskGrainTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    [Fact]
    public async Task Two_concurrent_reassignments_one_wins_the_other_gets_a_version_mismatch_and_the_log_shows_one()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var bob = await fixture.HireAsync(company, "Bob", "Developer", "Engineering");
        var cyd = await fixture.HireAsync(company, "Cyd", "Developer", "Engineering");
        using var ceo = As.Ceo();

        for (var round = 0; round < 10; round++)
        {
            var task = await fixture.CreateTaskAsync(company, $"Round {round}", assignee: ada.Id);
            var grain = fixture.Task(task.Id);
            var assignedBefore = (await fixture.StreamAsync(company, Streams.Task(task.Id))).Count(e => e.Type == EventTypes.TaskAssigned);

            // Two dashboards saw the same version and reassign at once.
            var results = await Task.WhenAll(
                Attempt(() => grain.AssignAsync(new AssignTaskCommand(company, bob.Id, task.Version))),
                Attempt(() => grain.AssignAsync(new AssignTaskCommand(company, cyd.Id, task.Version))));

            results.Count(r => r is null).Should().Be(1, "exactly one reassignment wins");
            results.Single(r => r is not null).Should().BeOfType<VersionMismatchException>();
            var after = await grain.GetAsync(company);
            after.Version.Should().Be(task.Version + 1);
            after.AssigneeAgentId.Should().BeOneOf(bob.Id, cyd.Id);
            var assigned = (await fixture.StreamAsync(company, Streams.Task(task.Id))).Count(e => e.Type == EventTypes.TaskAssigned);
            assigned.Should().Be(assignedBefore + 1, "the event log shows exactly one reassignment");
        }
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_changes_nothing()
    {
        var company = await fixture.CreateCompanyAsync();
        using var ceo = As.Ceo();
        var task = await fixture.CreateTaskAsync(company);
        var grain = fixture.Task(task.Id);
        await grain.ChangePriorityAsync(new ChangePriorityCommand(company, TaskPriority.High, task.Version));

        var act = () => grain.PauseAsync(new TaskTransitionCommand(company, task.Version));

        var mismatch = (await act.Should().ThrowAsync<VersionMismatchException>()).Which;
        mismatch.Expected.Should().Be(task.Version);
        mismatch.Actual.Should().Be(task.Version + 1);
        (await grain.GetAsync(company)).Status.Should().Be(TaskState.Queued);
    }

    [Fact]
    public async Task Running_time_attempts_and_result_are_recorded_across_start_pause_and_completion()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        using var ceo = As.Ceo();
        var task = await fixture.CreateTaskAsync(company, assignee: ada.Id);
        var grain = fixture.Task(task.Id);

        await grain.StartAsync(new TaskTransitionCommand(company));
        await grain.PauseAsync(new TaskTransitionCommand(company));
        await grain.ResumeAsync(new TaskTransitionCommand(company));
        await grain.StartAsync(new TaskTransitionCommand(company));
        await grain.RecordUsageAsync(new RecordUsageCommand(company, 1200, 0.42m));
        var done = await grain.CompleteAsync(new CompleteTaskCommand(company, "Spec written."));

        done.Status.Should().Be(TaskState.Done);
        done.AttemptCount.Should().Be(1, "a pause and resume goes on with the same attempt");
        done.TokensUsed.Should().Be(1200);
        done.CostEstimate.Should().Be(0.42m);
        done.Result.Should().Be("Spec written.");
        done.StartedAt.Should().NotBeNull();
        done.FinishedAt.Should().NotBeNull();
        done.DurationMs.Should().BeGreaterThanOrEqualTo(0);
        var types = (await fixture.StreamAsync(company, Streams.Task(task.Id))).Select(e => e.Type);
        types.Should().ContainInOrder(EventTypes.TaskCreated, EventTypes.TaskAssigned, EventTypes.TaskStarted, EventTypes.TaskPaused,
            EventTypes.TaskResumed, EventTypes.TaskStarted, EventTypes.TaskUsageRecorded, EventTypes.TaskCompleted);
    }

    [Fact]
    public async Task Approvals_in_a_row_leave_the_task_on_its_first_attempt_and_a_retry_after_failure_is_the_second()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        using var ceo = As.Ceo();
        var task = await fixture.CreateTaskAsync(company, "Wire the payment", assignee: ada.Id);
        var grain = fixture.Task(task.Id);

        (await grain.StartAsync(new TaskTransitionCommand(company))).AttemptCount.Should().Be(1, "the first start begins attempt 1");
        foreach (var action in new[] { "payments.send", "payments.refund" })
        {
            await grain.RequestApprovalAsync(new RequestApprovalCommand(company, action, "It moves money."));
            await grain.ApproveAsync(new TaskTransitionCommand(company));
            (await grain.StartAsync(new TaskTransitionCommand(company))).AttemptCount.Should().Be(1, $"resuming after the approval of {action} goes on with attempt 1");
        }

        await grain.BlockAsync(new TaskTransitionCommand(company, Reason: "Waiting for an answer from the CEO."));
        await grain.UnblockAsync(new TaskTransitionCommand(company, Reason: "Answered."));
        (await grain.StartAsync(new TaskTransitionCommand(company))).AttemptCount.Should().Be(1, "an answered question goes on with attempt 1");

        await grain.FailAsync(new TaskTransitionCommand(company, Reason: "The bank refused."));
        (await grain.RetryAsync(new TaskTransitionCommand(company))).AttemptCount.Should().Be(2, "a retry after a failure queues attempt 2");
        (await grain.StartAsync(new TaskTransitionCommand(company))).AttemptCount.Should().Be(2);
        await grain.RequestApprovalAsync(new RequestApprovalCommand(company, "payments.send", null));
        await grain.ApproveAsync(new TaskTransitionCommand(company));
        await grain.StartAsync(new TaskTransitionCommand(company));
        var done = await grain.CompleteAsync(new CompleteTaskCommand(company, "Paid."));

        done.AttemptCount.Should().Be(2);
        var retries = await fixture.ScalarAsync<long>("SELECT retries FROM task_outcomes WHERE task_id = @id", ("id", done.Id));
        retries.Should().Be(1, "the analytics count the one retry, not the approvals");
    }

    [Fact]
    public async Task Retry_is_refused_once_every_attempt_is_used()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        using var ceo = As.Ceo();
        var task = await fixture.Company(company).CreateTaskAsync(new Interfaces.Companies.CreateTaskCommand
        {
            CompanyId = company,
            Title = "Flaky job",
            AssigneeAgentId = ada.Id,
            MaxAttempts = 2,
        });
        var grain = fixture.Task(task.Id);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await grain.StartAsync(new TaskTransitionCommand(company));
            await grain.FailAsync(new TaskTransitionCommand(company, Reason: "timeout"));
            if (attempt < 2)
            {
                await grain.RetryAsync(new TaskTransitionCommand(company));
            }
        }

        var act = () => grain.RetryAsync(new TaskTransitionCommand(company));

        (await act.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("task.attempts_exhausted");
    }

    [Fact]
    public async Task Deadline_can_be_set_and_cleared_and_comments_form_part_of_the_timeline()
    {
        var company = await fixture.CreateCompanyAsync();
        using var ceo = As.Ceo();
        var task = await fixture.CreateTaskAsync(company);
        var grain = fixture.Task(task.Id);
        var deadline = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));

        (await grain.SetDeadlineAsync(new SetDeadlineCommand(company, deadline))).DeadlineAt.Should().Be(deadline);
        (await grain.SetDeadlineAsync(new SetDeadlineCommand(company, null))).DeadlineAt.Should().BeNull();
        var comment = await grain.CommentAsync(new AddCommentCommand(company, "Please hurry."));

        comment.Author.Should().Be("human:1");
        (await grain.ListCommentsAsync(company)).Should().ContainSingle().Which.Body.Should().Be("Please hurry.");
        var timeline = await fixture.StreamAsync(company, Streams.Task(task.Id));
        timeline.Select(e => e.Type).Should().ContainInOrder(EventTypes.TaskDeadlineChanged, EventTypes.TaskDeadlineChanged, EventTypes.TaskCommented);
        timeline[^1].Actor.Should().Be("human:1", "the timeline says who did what");
    }

    [Fact]
    public async Task Starting_an_unassigned_task_is_refused()
    {
        var company = await fixture.CreateCompanyAsync();
        var task = await fixture.CreateTaskAsync(company);

        var act = () => fixture.Task(task.Id).StartAsync(new TaskTransitionCommand(company));

        (await act.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("task.unassigned");
    }

    [Fact]
    public async Task A_foreign_company_never_sees_a_task()
    {
        var company = await fixture.CreateCompanyAsync();
        var other = await fixture.CreateCompanyAsync("Other");
        var task = await fixture.CreateTaskAsync(company);

        await fixture.Task(task.Id).Invoking(g => g.GetAsync(other)).Should().ThrowAsync<NotFoundException>();
        await fixture.Task(task.Id).Invoking(g => g.PauseAsync(new TaskTransitionCommand(other))).Should().ThrowAsync<NotFoundException>();
        await fixture.Task(999_999).Invoking(g => g.GetAsync(company)).Should().ThrowAsync<NotFoundException>();
        await fixture.Company(other).Invoking(c => c.CreateTaskAsync(new Interfaces.Companies.CreateTaskCommand { CompanyId = company, Title = "x" }))
            .Should().ThrowAsync<NotFoundException>("a company grain answers only for its own company");
        await fixture.Company(other).Invoking(c => c.CreateTaskAsync(new Interfaces.Companies.CreateTaskCommand { CompanyId = other, Title = "x", ParentTaskId = task.Id }))
            .Should().ThrowAsync<NotFoundException>("another company's task cannot be a parent");
    }

    [Fact]
    public async Task Invalid_input_names_the_fields()
    {
        var company = await fixture.CreateCompanyAsync();

        var act = () => fixture.Company(company).CreateTaskAsync(new Interfaces.Companies.CreateTaskCommand { CompanyId = company, Title = " ", MaxAttempts = 0 });

        var invalid = (await act.Should().ThrowAsync<ValidationException>()).Which;
        invalid.Errors.Keys.Should().BeEquivalentTo("title", "maxAttempts");
    }

    private static async Task<Exception?> Attempt(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
