using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Schedules;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;

namespace FluidManager.Grains.Tests;

public sealed class ScheduleTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    [Fact]
    public async Task Missed_firings_after_downtime_create_one_task_for_the_agent_not_a_burst()
    {
        var (companyId, agentId) = await SetupAsync();
        var schedule = await CreateAsync(companyId, agentId, new ScheduleTiming { IntervalMinutes = 1 });
        schedule.NextRunAt.Should().BeCloseTo(DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromSeconds(10));

        // Every silo was down for ten minutes: ten firings were missed.
        await fixture.ExecuteAsync("UPDATE runtime.reminders SET due_at = now() - interval '10 minutes' WHERE grain_type = 'schedule' AND grain_key = @key", ("key", schedule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await fixture.WakeReminderAsync("schedule", schedule.Id, "fire");

        var runs = await Eventually.WaitAsync(() => Schedule(schedule.Id).ListRunsAsync(companyId), r => r.Count >= 1, TimeSpan.FromSeconds(15), "the catch-up firing");
        await Task.Delay(1000);
        (await Schedule(schedule.Id).ListRunsAsync(companyId)).Should().HaveCount(1);
        var run = runs.Single();
        run.Outcome.Should().Be("created");
        var task = await fixture.Task(run.TaskId!.Value).GetAsync(companyId);
        task.Title.Should().Be("Weekly report");
        task.AssigneeAgentId.Should().Be(agentId);
        run.TaskStatus.Should().Be(task.Status);
        (await Schedule(schedule.Id).GetAsync(companyId)).NextRunAt.Should().BeAfter(DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Paused_schedule_has_no_next_run_and_resume_brings_it_back()
    {
        var (companyId, agentId) = await SetupAsync();
        var schedule = await CreateAsync(companyId, agentId, new ScheduleTiming { Cron = "0 0 9 ? * MON", TimeZone = "Europe/Paris" });
        schedule.NextRunAt.Should().NotBeNull();

        var paused = await Schedule(schedule.Id).PauseAsync(companyId, schedule.Version);
        paused.Status.Should().Be(ScheduleStatus.Paused);
        paused.NextRunAt.Should().BeNull();
        var again = () => Schedule(schedule.Id).PauseAsync(companyId);
        await again.Should().ThrowAsync<ConflictException>();
        var stale = () => Schedule(schedule.Id).ResumeAsync(companyId, schedule.Version);
        await stale.Should().ThrowAsync<VersionMismatchException>();

        var resumed = await Schedule(schedule.Id).ResumeAsync(companyId, paused.Version);
        resumed.NextRunAt.Should().NotBeNull();
        TimeZoneInfo.ConvertTime(resumed.NextRunAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).Hour.Should().Be(9);
    }

    [Fact]
    public async Task Firing_for_a_paused_agent_is_recorded_as_skipped()
    {
        var (companyId, agentId) = await SetupAsync();
        var schedule = await CreateAsync(companyId, agentId, new ScheduleTiming { IntervalMinutes = 60 });
        await fixture.ExecuteAsync("UPDATE agents SET status = 'paused' WHERE id = @id", ("id", agentId));
        await fixture.ExecuteAsync("UPDATE runtime.reminders SET due_at = now() WHERE grain_type = 'schedule' AND grain_key = @key", ("key", schedule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await fixture.WakeReminderAsync("schedule", schedule.Id, "fire");

        var runs = await Eventually.WaitAsync(() => Schedule(schedule.Id).ListRunsAsync(companyId), r => r.Count >= 1, TimeSpan.FromSeconds(15), "the skipped firing");
        runs.Single().Outcome.Should().Be("skipped");
        runs.Single().Reason.Should().Contain("paused");
    }

    [Fact]
    public async Task Invalid_timing_is_refused_naming_the_field()
    {
        var (companyId, agentId) = await SetupAsync();
        var both = () => CreateAsync(companyId, agentId, new ScheduleTiming { IntervalMinutes = 5, Cron = "0 0 9 ? * MON" });
        (await both.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("timing");
        var badCron = () => CreateAsync(companyId, agentId, new ScheduleTiming { Cron = "every monday" });
        (await badCron.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("timing.cron");
        var badZone = () => CreateAsync(companyId, agentId, new ScheduleTiming { Cron = "0 0 9 ? * MON", TimeZone = "Atlantis/Capital" });
        (await badZone.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("timing.timeZone");
        var noAgent = () => CreateAsync(companyId, 999_999, new ScheduleTiming { IntervalMinutes = 5 });
        (await noAgent.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("agentId");
        (await fixture.Grains.GetGrain<ISchedulesGrain>(companyId).ListAsync(companyId)).Should().BeEmpty("nothing is half-written");
    }

    [Fact]
    public async Task Deleting_removes_the_schedule_and_its_reminder_and_foreign_companies_see_nothing()
    {
        var (companyId, agentId) = await SetupAsync();
        var other = await fixture.CreateCompanyAsync("Other");
        var schedule = await CreateAsync(companyId, agentId, new ScheduleTiming { IntervalMinutes = 5 });

        var foreign = () => Schedule(schedule.Id).GetAsync(other);
        await foreign.Should().ThrowAsync<NotFoundException>();
        await Schedule(schedule.Id).DeleteAsync(companyId);

        (await fixture.Grains.GetGrain<ISchedulesGrain>(companyId).ListAsync(companyId)).Should().BeEmpty();
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.reminders WHERE grain_type = 'schedule' AND grain_key = @key", ("key", schedule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Should().Be(0);
    }

    private IScheduleGrain Schedule(long id) => fixture.Grains.GetGrain<IScheduleGrain>(id);

    private async Task<(long CompanyId, long AgentId)> SetupAsync()
    {
        var companyId = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(companyId, "Rita", "Analyst", "Finance");
        return (companyId, agent.Id);
    }

    private Task<ScheduleDto> CreateAsync(long companyId, long agentId, ScheduleTiming timing) =>
        fixture.Grains.GetGrain<ISchedulesGrain>(companyId).CreateAsync(new CreateScheduleCommand
        {
            CompanyId = companyId,
            Name = "Weekly reporting",
            AgentId = agentId,
            Template = new TaskTemplate { Title = "Weekly report", Priority = TaskPriority.Normal },
            Timing = timing,
        });
}
