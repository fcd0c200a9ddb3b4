using System.Globalization;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Schedules;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Api.Tests;

/// <summary>Schedules are woken by Orleans reminders (ADO.NET, on the product's database); their rows decide what is due.</summary>
public sealed class OrleansReminderTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_schedule_registers_an_orleans_reminder_and_deleting_it_removes_the_reminder()
    {
        var (companyId, schedule) = await CreateScheduleAsync();
        (await OrleansRemindersAsync(schedule.Id)).Should().Be(1, "the turn that created the schedule registered its Orleans reminder");

        using (CallerContext.As("human:1"))
        {
            await Grains.GetGrain<IScheduleGrain>(schedule.Id).DeleteAsync(companyId);
        }

        (await OrleansRemindersAsync(schedule.Id)).Should().Be(0, "the Orleans reminder goes once the deletion has committed");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.reminders WHERE grain_type = 'schedule' AND grain_key = @key", ("key", Key(schedule.Id)))).Should().Be(0);
    }

    [Fact]
    public async Task A_schedule_overdue_while_the_silos_were_down_fires_once_when_a_silo_starts()
    {
        var (companyId, schedule) = await CreateScheduleAsync();

        // Ten firings were missed while no silo ran; a silo joining the cluster re-arms the reminder.
        await fixture.ExecuteAsync("UPDATE runtime.reminders SET due_at = now() - interval '10 minutes' WHERE grain_type = 'schedule' AND grain_key = @key", ("key", Key(schedule.Id)));
        await using var second = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Fluid", fixture.ConnectionString);
            b.UseSetting("Fluid:Cluster:SiloPort", "0");
            b.UseSetting("Fluid:Cluster:GatewayPort", "0");
            b.UseSetting("Fluid:Silo:Name", "second-silo");
            b.UseSetting("Fluid:Storage:Path", Path.GetTempPath());
            b.UseEnvironment("Testing");
        });
        _ = second.Services;

        IReadOnlyList<ScheduleRunDto> runs;
        using (CallerContext.As("human:1"))
        {
            runs = await Eventually.WaitAsync(() => Grains.GetGrain<IScheduleGrain>(schedule.Id).ListRunsAsync(companyId), r => r.Count >= 1, TimeSpan.FromSeconds(30), "the catch-up firing");
        }

        runs.Should().ContainSingle().Which.Outcome.Should().Be("created");
        (await fixture.ScalarAsync<bool>("SELECT due_at > now() FROM runtime.reminders WHERE grain_type = 'schedule' AND grain_key = @key", ("key", Key(schedule.Id))))
            .Should().BeTrue("the firing moved the schedule past now: one catch-up tick, not ten");
    }

    private IGrainFactory Grains => fixture.Factory.Services.GetRequiredService<IGrainFactory>();

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private Task<long> OrleansRemindersAsync(long scheduleId) =>
        fixture.ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE grainid = @grain AND remindername = 'fire'", ("grain", "schedule/" + Key(scheduleId)));

    private async Task<(long CompanyId, ScheduleDto Schedule)> CreateScheduleAsync()
    {
        var world = await fixture.WorldAsync();
        using var ceo = CallerContext.As("human:1");
        var agent = await Grains.GetGrain<ICompanyGrain>(world.Acme).CreateAgentAsync(new CreateAgentCommand
        {
            CompanyId = world.Acme,
            Profile = new AgentProfile { FirstName = "Rita", LastName = "Test", Role = "Analyst", Department = "Finance", Model = "offline" },
            PlaceInOrgChart = true,
        });
        var schedule = await Grains.GetGrain<ISchedulesGrain>(world.Acme).CreateAsync(new CreateScheduleCommand
        {
            CompanyId = world.Acme,
            Name = "Weekly reporting " + Guid.NewGuid().ToString("N")[..6],
            AgentId = agent.Id,
            Template = new TaskTemplate { Title = "Weekly report", Priority = TaskPriority.Normal },
            Timing = new ScheduleTiming { IntervalMinutes = 1 },
        });
        return (world.Acme, schedule);
    }
}
