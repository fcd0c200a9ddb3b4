using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Organization;

namespace FluidManager.Grains.Tests;

/// <summary>The hierarchy rules on an in-memory chart, without a database.</summary>
public sealed class PolicyEngineTests
{
    private static readonly OrgAgent Sales = new(1, "Sam", "Seller", "Head of Sales", "SALES", AgentStatus.Active);
    private static readonly OrgAgent Lead = new(2, "Lin", "Lead", "Team Lead", "Operations", AgentStatus.Active);
    private static readonly OrgAgent Dev = new(3, "Ada", "Dev", "developer", "Product", AgentStatus.Active);

    private static readonly PolicyRuleDto[] Rules =
    [
        Rule(1, "direct-subordinates-only", PolicyRuleKind.DelegationScope) with { DelegationScope = new DelegationScopeRule(DelegationScope.DirectSubordinates) },
        Rule(2, "sales-never-above-engineering", PolicyRuleKind.RoleSeparation) with
        {
            RoleSeparation = new RoleSeparationRule(new AgentSelector { Departments = ["sales"] }, new AgentSelector { Roles = ["Developer"] }, "No."),
        },
    ];

    [Fact]
    public void Selectors_match_department_or_role_ignoring_case_and_spaces()
    {
        PolicyEngine.Matches(new AgentSelector { Departments = [" sales "] }, Sales).Should().BeTrue();
        PolicyEngine.Matches(new AgentSelector { Roles = ["DEVELOPER"] }, Dev).Should().BeTrue();
        PolicyEngine.Matches(new AgentSelector { Roles = ["cto"] }, Dev).Should().BeFalse();
    }

    [Fact]
    public void A_change_is_judged_only_on_the_violations_it_adds()
    {
        // Sales → Lead → Dev already breaks the rule (say the rule came later); moving the lead elsewhere is fine.
        var org = Chart((Sales.Id, null), (Lead.Id, Sales.Id), (Dev.Id, Lead.Id));
        PolicyEngine.RoleViolations(org, Rules).Should().ContainSingle();

        PolicyEngine.CheckChange(org, org.WithManager(Lead.Id, null), Rules).Allowed.Should().BeTrue();
        var flat = Chart((Sales.Id, null), (Lead.Id, null), (Dev.Id, Lead.Id));
        var denied = PolicyEngine.CheckChange(flat, flat.WithManager(Lead.Id, Sales.Id), Rules);
        denied.Should().Be(PolicyDecision.Deny("role:sales-never-above-engineering", "Sam Seller (Head of Sales) would be above Ada Dev (developer): No."));
    }

    [Fact]
    public void Assignment_checks_role_rules_before_the_delegation_scope()
    {
        var org = Chart((Sales.Id, null), (Lead.Id, null), (Dev.Id, Lead.Id));

        PolicyEngine.CanAssign(org, Rules, Sales, Dev).Rule.Should().Be("role:sales-never-above-engineering");
        PolicyEngine.CanAssign(org, Rules, Sales, Lead).Rule.Should().Be("delegation:direct-subordinates-only");
        PolicyEngine.CanAssign(org, Rules, Lead, Dev).Allowed.Should().BeTrue();
        PolicyEngine.CanAssign(org, [], Sales, Dev).Allowed.Should().BeTrue("with no rules, nothing is refused");
    }

    private static OrgSnapshot Chart(params (long Agent, long? Manager)[] edges) =>
        new([Sales, Lead, Dev], edges.ToDictionary(e => e.Agent, e => e.Manager));

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
