using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Organization;

namespace FluidManager.Grains.Tests;

public sealed class OrgChartTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    [Fact]
    public async Task A_reporting_line_that_would_close_a_cycle_is_refused()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var lead = await fixture.HireAsync(company, "Linus", "Tech Lead", "Engineering", cto.Id);
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);
        var policy = fixture.Policy(company);
        var chart = await policy.GetOrgChartAsync(new GetOrgChartQuery(company));

        var act = () => policy.MoveSubtreeAsync(new MoveSubtreeCommand(company, cto.Id, dev.Id, chart.Version));
        var self = () => policy.MoveSubtreeAsync(new MoveSubtreeCommand(company, cto.Id, cto.Id));

        (await act.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("org.cycle");
        (await self.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("org.cycle");
        (await policy.GetOrgChartAsync(new GetOrgChartQuery(company))).Should().BeEquivalentTo(chart, o => o.Excluding(c => c.AsOf));
        (await policy.CanManageAsync(new CanManageQuestion(company, dev.Id, cto.Id))).Should().Be(PolicyDecision.Deny("org:cycle",
            "Ada Test (Developer) is in Grace Test (CTO)'s own team: that reporting line would make a cycle."));
    }

    [Fact]
    public async Task A_second_manager_for_one_agent_is_refused_with_the_reason()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var lead = await fixture.HireAsync(company, "Linus", "Tech Lead", "Engineering", cto.Id);
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);

        var act = () => fixture.Policy(company).AddEdgeAsync(new AddOrgEdgeCommand(company, cto.Id, dev.Id));

        var conflict = (await act.Should().ThrowAsync<ConflictException>()).Which;
        conflict.Code.Should().Be("org.two_managers");
        conflict.Message.Should().Contain("already reports to Linus Test (Tech Lead)");
    }

    [Fact]
    public async Task Moving_a_subtree_moves_the_whole_team_in_one_change_and_keeps_history()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var coo = await fixture.HireAsync(company, "Olga", "COO", "Operations");
        var lead = await fixture.HireAsync(company, "Linus", "Tech Lead", "Engineering", cto.Id);
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);
        var policy = fixture.Policy(company);
        var before = await policy.GetOrgChartAsync(new GetOrgChartQuery(company));

        var after = await policy.MoveSubtreeAsync(new MoveSubtreeCommand(company, lead.Id, coo.Id, before.Version));

        after.Version.Should().Be(before.Version + 1);
        after.Edges.Should().ContainSingle(e => e.SubordinateAgentId == lead.Id).Which.ManagerAgentId.Should().Be(coo.Id);
        after.Edges.Should().ContainSingle(e => e.SubordinateAgentId == dev.Id).Which.ManagerAgentId.Should().Be(lead.Id, "the team moves with its manager");
        var past = await policy.GetOrgChartAsync(new GetOrgChartQuery(company, before.AsOf));
        past.Edges.Should().ContainSingle(e => e.SubordinateAgentId == lead.Id).Which.ManagerAgentId.Should().Be(cto.Id, "history keeps the old line");
        (await fixture.Agent(lead.Id).GetAsync(company)).ManagerAgentId.Should().Be(coo.Id);
        var moved = (await fixture.StreamAsync(company, Streams.Company(company))).Where(e => e.Type == EventTypes.OrgSubtreeMoved).ToList();
        moved.Should().ContainSingle();
        GrainsFixture.Payload(moved[0], "version").GetInt64().Should().Be(after.Version);
    }

    [Fact]
    public async Task Agents_report_to_the_CEO_seat_by_default_and_an_edge_can_be_removed_and_added_again()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var loose = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", place: false);
        var policy = fixture.Policy(company);

        cto.ReportsToCeo.Should().BeTrue();
        loose.ReportsToCeo.Should().BeFalse();
        loose.ManagerAgentId.Should().BeNull();
        await policy.AddEdgeAsync(new AddOrgEdgeCommand(company, cto.Id, loose.Id));
        var removed = await policy.RemoveEdgeAsync(new RemoveOrgEdgeCommand(company, loose.Id));
        removed.Edges.Should().NotContain(e => e.SubordinateAgentId == loose.Id);
        var readded = await policy.AddEdgeAsync(new AddOrgEdgeCommand(company, null, loose.Id, removed.Version));
        readded.Edges.Should().ContainSingle(e => e.SubordinateAgentId == loose.Id).Which.ManagerAgentId.Should().BeNull();
    }

    [Fact]
    public async Task A_stale_org_version_is_refused()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var policy = fixture.Policy(company);
        var seen = await policy.GetOrgChartAsync(new GetOrgChartQuery(company));
        await policy.MoveSubtreeAsync(new MoveSubtreeCommand(company, dev.Id, cto.Id, seen.Version));

        var act = () => policy.MoveSubtreeAsync(new MoveSubtreeCommand(company, dev.Id, null, seen.Version));

        await act.Should().ThrowAsync<VersionMismatchException>();
    }

    [Fact]
    public async Task Sales_above_engineering_is_refused_directly_or_through_a_subtree_and_the_denial_survives()
    {
        var company = await fixture.CreateCompanyAsync();
        var sales = await fixture.HireAsync(company, "Sam", "Sales Manager", "Sales");
        var lead = await fixture.HireAsync(company, "Linus", "Team Lead", "Operations");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);
        var policy = fixture.Policy(company);
        var before = await policy.GetOrgChartAsync(new GetOrgChartQuery(company));

        var direct = () => policy.MoveSubtreeAsync(new MoveSubtreeCommand(company, dev.Id, sales.Id));
        var indirect = () => policy.MoveSubtreeAsync(new MoveSubtreeCommand(company, lead.Id, sales.Id));
        var hire = () => fixture.HireAsync(company, "Eve", "Developer", "Engineering", sales.Id);

        foreach (var attempt in new Func<Task>[] { direct, indirect, hire })
        {
            var denied = (await attempt.Should().ThrowAsync<PolicyDeniedException>()).Which;
            denied.Rule.Should().Be("role:sales-never-above-engineering");
            denied.Message.Should().Contain("Sam Test (Sales Manager) would be above");
        }

        (await policy.GetOrgChartAsync(new GetOrgChartQuery(company))).Edges.Should().BeEquivalentTo(before.Edges);
        (await fixture.Company(company).ListAgentsAsync(new Interfaces.Companies.ListAgentsQuery(company))).Should().HaveCount(3, "the refused hire left nothing behind");
        var denials = await fixture.EventsOfTypeAsync(company, EventTypes.PolicyDenied);
        denials.Should().HaveCount(3, "each denial is an event, though its command's turn rolled back");
        denials.Select(d => GrainsFixture.Payload(d, "action").GetString()).Should().Equal("org.move_subtree", "org.move_subtree", "org.add_edge");
        denials.Should().OnlyContain(d => d.Stream == Streams.Company(company));
    }

    [Fact]
    public async Task A_role_change_that_would_put_sales_above_engineering_is_refused()
    {
        var company = await fixture.CreateCompanyAsync();
        var lead = await fixture.HireAsync(company, "Linus", "Team Lead", "Operations");
        await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);

        var act = () => fixture.Agent(lead.Id).UpdateAsync(new UpdateAgentCommand(company, GrainsFixture.Profile("Linus", "Account Executive", "Sales"), lead.Version));

        (await act.Should().ThrowAsync<PolicyDeniedException>()).Which.Rule.Should().Be("role:sales-never-above-engineering");
        (await fixture.Agent(lead.Id).GetAsync(company)).Profile.Role.Should().Be("Team Lead");
        (await fixture.EventsOfTypeAsync(company, EventTypes.PolicyDenied)).Should().ContainSingle()
            .Which.Payload.GetProperty("action").GetString().Should().Be("agent.change_role");
    }

    [Fact]
    public async Task A_foreign_company_id_reads_as_not_found()
    {
        var company = await fixture.CreateCompanyAsync();
        var other = await fixture.CreateCompanyAsync("Other");
        var agent = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");

        await fixture.Policy(company).Invoking(p => p.GetOrgChartAsync(new GetOrgChartQuery(other))).Should().ThrowAsync<NotFoundException>();
        await fixture.Policy(other).Invoking(p => p.MoveSubtreeAsync(new MoveSubtreeCommand(other, agent.Id, null))).Should().ThrowAsync<NotFoundException>();
        await fixture.Policy(999_999).Invoking(p => p.ListRulesAsync(999_999)).Should().ThrowAsync<NotFoundException>();
    }
}
