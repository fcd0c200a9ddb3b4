using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Meetings;
using FluidManager.Grains.Organization;

namespace FluidManager.Meetings.Tests;

/// <summary>Where a call to action goes, with the company's default rules, without a database.</summary>
public sealed class CtaRoutingTests
{
    private static readonly OrgAgent Cto = new(1, "Ada", "Test", "CTO", "Engineering", AgentStatus.Active);
    private static readonly OrgAgent Manager = new(2, "Grace", "Test", "Engineering Manager", "Engineering", AgentStatus.Active);
    private static readonly OrgAgent Developer = new(3, "Linus", "Test", "Developer", "Engineering", AgentStatus.Active);
    private static readonly OrgAgent HeadOfSales = new(4, "Sam", "Test", "Head of Sales", "Sales", AgentStatus.Active);
    private static readonly OrgAgent SalesDeveloper = new(5, "Dan", "Test", "Developer", "Engineering", AgentStatus.Active);
    private static readonly OrgAgent Unplaced = new(6, "Nora", "Test", "Analyst", "Research", AgentStatus.Active);
    private static readonly OrgAgent Archived = new(7, "Olga", "Test", "Analyst", "Research", AgentStatus.Archived);

    private static readonly OrgSnapshot Org = new(
        [Cto, Manager, Developer, HeadOfSales, SalesDeveloper, Unplaced, Archived],
        new Dictionary<long, long?> { [1] = null, [2] = 1, [3] = 2, [4] = null, [5] = 4, [7] = null });

    private static readonly PolicyRuleDto[] Rules =
    [
        Rule(1, "direct-subordinates-only", PolicyRuleKind.DelegationScope) with { DelegationScope = new DelegationScopeRule(DelegationScope.DirectSubordinates) },
        Rule(2, "sales-never-above-engineering", PolicyRuleKind.RoleSeparation) with
        {
            RoleSeparation = new RoleSeparationRule(
                new AgentSelector { Departments = ["sales"] }, new AgentSelector { Departments = ["engineering"] }, "Sales never manages or directs engineering."),
        },
    ];

    [Fact]
    public void A_call_for_a_report_of_the_CEO_goes_to_it_and_one_for_a_deeper_agent_goes_to_the_top_of_its_branch_with_the_chain_down()
    {
        var (direct, _) = CtaRouting.Decide(Org, Rules, Cto.Id);
        direct!.AssigneeId.Should().Be(Cto.Id);
        direct.Path.Should().Equal(Cto.Id);

        var (deep, refusal) = CtaRouting.Decide(Org, Rules, Developer.Id);
        refusal.Should().BeNull();
        deep!.AssigneeId.Should().Be(Cto.Id);
        deep.Path.Should().Equal(Cto.Id, Manager.Id, Developer.Id);
        deep.Description.Should().Contain("Ada Test (CTO) → Grace Test (Engineering Manager) → Linus Test (Developer)");
    }

    [Fact]
    public void A_route_the_hierarchy_policy_refuses_is_refused_with_the_rule_and_never_assigned_around_it()
    {
        var (route, refusal) = CtaRouting.Decide(Org, Rules, SalesDeveloper.Id);
        route.Should().BeNull();
        refusal!.Rule.Should().Be("role:sales-never-above-engineering");
        refusal.Reason.Should().Contain("Sam Test (Head of Sales) → Dan Test (Developer)").And.Contain("Sales never manages");

        CtaRouting.Decide(Org, Rules, Unplaced.Id).Refusal!.Rule.Should().Be("org:unplaced");
        CtaRouting.Decide(Org, Rules, Archived.Id).Refusal!.Rule.Should().Be("agent:archived");
        CtaRouting.Decide(Org, Rules, 99).Refusal!.Rule.Should().Be("agent:missing");
        CtaRouting.Decide(Org, [], SalesDeveloper.Id).Route!.Path.Should().Equal(HeadOfSales.Id, SalesDeveloper.Id);
    }

    private static PolicyRuleDto Rule(long id, string name, PolicyRuleKind kind) => new()
    {
        Id = id,
        CompanyId = 1,
        Name = name,
        Kind = kind,
        Description = "",
        Enabled = true,
        Version = 1,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
