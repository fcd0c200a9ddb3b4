using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.TestSupport;

namespace FluidManager.Grains.Tests;

public sealed class PolicyTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    [Fact]
    public async Task Every_company_starts_with_the_default_rules()
    {
        var company = await fixture.CreateCompanyAsync();

        var rules = await fixture.Policy(company).ListRulesAsync(company);

        rules.Select(r => r.Name).Should().BeEquivalentTo(
            "direct-subordinates-only", "sales-never-above-engineering", "approval-publication", "approval-spending", "approval-external-actions");
        rules.Should().OnlyContain(r => r.Enabled);
        var separation = rules.Single(r => r.Kind == PolicyRuleKind.RoleSeparation).RoleSeparation!;
        separation.Upper.Departments.Should().Contain("sales");
        separation.Lower.Roles.Should().Contain(["developer", "cto"]);
        rules.Single(r => r.Kind == PolicyRuleKind.DelegationScope).DelegationScope!.Scope.Should().Be(DelegationScope.DirectSubordinates);
    }

    [Fact]
    public async Task An_agent_assigning_to_someone_not_its_direct_subordinate_is_denied_and_the_denial_is_an_event()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var lead = await fixture.HireAsync(company, "Linus", "Tech Lead", "Engineering", cto.Id);
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);
        var task = await fixture.CreateTaskAsync(company, assignee: lead.Id);

        Func<Task> act = async () =>
        {
            using var asCto = As.Agent(cto.Id);
            await fixture.Task(task.Id).AssignAsync(new AssignTaskCommand(company, dev.Id, task.Version));
        };

        var denied = (await act.Should().ThrowAsync<PolicyDeniedException>()).Which;
        denied.Rule.Should().Be("delegation:direct-subordinates-only");
        denied.Message.Should().Contain("is not a direct subordinate of Grace Test (CTO)");
        var unchanged = await fixture.Task(task.Id).GetAsync(company);
        unchanged.AssigneeAgentId.Should().Be(lead.Id);
        unchanged.Version.Should().Be(task.Version);
        var denial = (await fixture.EventsOfTypeAsync(company, EventTypes.PolicyDenied)).Should().ContainSingle().Subject;
        denial.Actor.Should().Be($"agent:{cto.Id}");
        denial.Payload.GetProperty("rule").GetString().Should().Be("delegation:direct-subordinates-only");
        denial.Payload.GetProperty("reason").GetString().Should().Be(denied.Message);
        denial.Payload.GetProperty("taskId").GetInt64().Should().Be(task.Id);

        using (As.Agent(cto.Id))
        {
            (await fixture.Task(task.Id).AssignAsync(new AssignTaskCommand(company, lead.Id))).AssigneeAgentId.Should().Be(lead.Id, "its own report is fine");
        }
    }

    [Fact]
    public async Task A_sales_agent_can_never_assign_to_the_CTO_or_a_developer()
    {
        var company = await fixture.CreateCompanyAsync();
        var sales = await fixture.HireAsync(company, "Sam", "Sales Manager", "Sales");
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Executive");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Product");
        var policy = fixture.Policy(company);

        foreach (var engineer in new[] { cto, dev })
        {
            var decision = await policy.CanAssignAsync(new CanAssignQuestion(company, sales.Id, engineer.Id));
            decision.Allowed.Should().BeFalse();
            decision.Rule.Should().Be("role:sales-never-above-engineering");

            var act = () => fixture.Agent(sales.Id).DelegateAsync(new DelegateCommand { CompanyId = company, ToAgentId = engineer.Id, Title = "Build a demo" });
            (await act.Should().ThrowAsync<PolicyDeniedException>()).Which.Rule.Should().Be("role:sales-never-above-engineering");
        }

        (await fixture.Company(company).ListTasksAsync(new Interfaces.Companies.ListTasksQuery { CompanyId = company })).Should().BeEmpty();
        (await fixture.EventsOfTypeAsync(company, EventTypes.PolicyDenied)).Should().HaveCount(2)
            .And.OnlyContain(e => e.Payload.GetProperty("action").GetString() == "agent.delegate");
    }

    [Fact]
    public async Task Delegation_to_a_direct_subordinate_creates_and_assigns_the_subtask_in_one_turn()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", cto.Id);
        var mission = await fixture.CreateTaskAsync(company, "Ship v1", assignee: cto.Id);

        TaskDto subtask;
        using (As.Agent(cto.Id))
        {
            subtask = await fixture.Agent(cto.Id).DelegateAsync(new DelegateCommand
            {
                CompanyId = company,
                ToAgentId = dev.Id,
                Title = "Write the API",
                ParentTaskId = mission.Id,
                Priority = TaskPriority.High,
            });
        }

        subtask.AssigneeAgentId.Should().Be(dev.Id);
        subtask.ParentTaskId.Should().Be(mission.Id);
        subtask.CreatedBy.Should().Be($"agent:{cto.Id}");
        subtask.Priority.Should().Be(TaskPriority.High);
        (await fixture.Task(mission.Id).GetAsync(company)).Subtasks.Total.Should().Be(1);
        (await fixture.StreamAsync(company, Streams.Task(subtask.Id))).Select(e => e.Type).Should().Equal(EventTypes.TaskCreated, EventTypes.TaskAssigned);
        (await fixture.StreamAsync(company, Streams.Agent(cto.Id))).Should().ContainSingle(e => e.Type == EventTypes.AgentDelegated);

        var notMine = () => fixture.Agent(dev.Id).DelegateAsync(new DelegateCommand { CompanyId = company, ToAgentId = cto.Id, Title = "x", ParentTaskId = mission.Id });
        (await notMine.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("task.not_assignee");
    }

    [Fact]
    public async Task Rules_are_data_the_CEO_can_change()
    {
        var company = await fixture.CreateCompanyAsync();
        var sales = await fixture.HireAsync(company, "Sam", "Sales Manager", "Sales");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var policy = fixture.Policy(company);
        var rule = (await policy.ListRulesAsync(company)).Single(r => r.Name == "sales-never-above-engineering");
        (await policy.CanManageAsync(new CanManageQuestion(company, sales.Id, dev.Id))).Allowed.Should().BeFalse();

        var disabled = await policy.UpdateRuleAsync(new UpdatePolicyRuleCommand
        {
            CompanyId = company,
            RuleId = rule.Id,
            Description = rule.Description,
            Enabled = false,
            RoleSeparation = rule.RoleSeparation,
            ExpectedVersion = rule.Version,
        });

        disabled.Version.Should().Be(rule.Version + 1);
        (await policy.CanManageAsync(new CanManageQuestion(company, sales.Id, dev.Id))).Allowed.Should().BeTrue();
        var stale = () => policy.DeleteRuleAsync(new DeletePolicyRuleCommand(company, rule.Id, rule.Version));
        await stale.Should().ThrowAsync<VersionMismatchException>();

        var added = await policy.AddRuleAsync(new AddPolicyRuleCommand
        {
            CompanyId = company,
            Name = "marketing-not-above-finance",
            Kind = PolicyRuleKind.RoleSeparation,
            RoleSeparation = new RoleSeparationRule(new AgentSelector { Departments = ["Marketing"] }, new AgentSelector { Roles = ["CFO"] }, "Finance stays independent."),
        });
        added.RoleSeparation!.Upper.Departments.Should().Equal("marketing");
        var duplicate = () => policy.AddRuleAsync(new AddPolicyRuleCommand { CompanyId = company, Name = added.Name, Kind = PolicyRuleKind.ApprovalRequired, Approval = new ApprovalRule(ApprovalAction.Spending) });
        (await duplicate.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("policy.rule_exists");
        await policy.DeleteRuleAsync(new DeletePolicyRuleCommand(company, added.Id));
        (await policy.ListRulesAsync(company)).Should().NotContain(r => r.Id == added.Id);
        (await fixture.StreamAsync(company, Streams.Company(company))).Select(e => e.Type)
            .Should().ContainInOrder(EventTypes.PolicyRuleUpdated, EventTypes.PolicyRuleAdded, EventTypes.PolicyRuleDeleted);
    }

    [Fact]
    public async Task Rule_settings_that_do_not_match_the_kind_are_invalid_and_name_the_field()
    {
        var company = await fixture.CreateCompanyAsync();

        var act = () => fixture.Policy(company).AddRuleAsync(new AddPolicyRuleCommand
        {
            CompanyId = company,
            Name = "Bad Name",
            Kind = PolicyRuleKind.RoleSeparation,
        });
        var noSelector = () => fixture.Policy(company).AddRuleAsync(new AddPolicyRuleCommand
        {
            CompanyId = company,
            Name = "empty",
            Kind = PolicyRuleKind.RoleSeparation,
            RoleSeparation = new RoleSeparationRule(new AgentSelector(), new AgentSelector { Roles = ["cto"] }, "why"),
            Approval = new ApprovalRule(ApprovalAction.Publication),
        });

        (await act.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("name");
        (await noSelector.Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().BeEquivalentTo("roleSeparation.upper", "approval");
    }

    [Fact]
    public async Task Publication_spending_and_external_actions_need_the_CEOs_approval()
    {
        var company = await fixture.CreateCompanyAsync();
        var policy = fixture.Policy(company);

        foreach (var action in new[] { ApprovalAction.Publication, ApprovalAction.Spending, ApprovalAction.ExternalAction })
        {
            var decision = await policy.RequiresApprovalAsync(new ApprovalQuestion(company, action, 10m));
            decision.Required.Should().BeTrue();
            decision.Rule.Should().StartWith("approval:");
        }

        (await policy.RequiresApprovalAsync(new ApprovalQuestion(company, ApprovalAction.ToolWrite, null))).Required
            .Should().BeFalse("a write tool is held only once the CEO adds a tool_write rule");

        var spending = (await policy.ListRulesAsync(company)).Single(r => r.Name == "approval-spending");
        await policy.UpdateRuleAsync(new UpdatePolicyRuleCommand
        {
            CompanyId = company,
            RuleId = spending.Id,
            Approval = new ApprovalRule(ApprovalAction.Spending, Threshold: 100m),
        });
        (await policy.RequiresApprovalAsync(new ApprovalQuestion(company, ApprovalAction.Spending, 50m))).Required.Should().BeFalse();
        (await policy.RequiresApprovalAsync(new ApprovalQuestion(company, ApprovalAction.Spending, 500m))).Required.Should().BeTrue();
    }

    [Fact]
    public async Task Escalation_goes_to_the_manager_or_to_the_CEO_inbox()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", cto.Id);

        var up = await fixture.Agent(dev.Id).EscalateAsync(new EscalateCommand(company, "Blocked on credentials"));
        var top = await fixture.Agent(cto.Id).EscalateAsync(new EscalateCommand(company, "Budget exceeded", "Need more tokens"));

        up.ToAgentId.Should().Be(cto.Id);
        top.ToAgentId.Should().BeNull("the CTO reports to the CEO seat");
        var received = await fixture.WaitForEventAsync(Streams.Agent(cto.Id), EventTypes.AgentEscalationReceived);
        received.Payload.GetProperty("id").GetInt64().Should().Be(up.Id);
        (await fixture.Agent(cto.Id).ListInboxAsync(company)).Should().ContainSingle(e => e.Id == up.Id);
        var inbox = await fixture.Company(company).ListCeoInboxAsync(company);
        inbox.Should().ContainSingle().Which.Subject.Should().Be("Budget exceeded");

        using (As.Ceo())
        {
            var resolved = await fixture.Company(company).ResolveEscalationAsync(new Interfaces.Companies.ResolveEscalationCommand(company, top.Id, "Raised the limit."));
            resolved.Open.Should().BeFalse();
            resolved.ResolvedBy.Should().Be("human:1");
        }

        (await fixture.Company(company).ListCeoInboxAsync(company)).Should().BeEmpty();
    }

    [Fact]
    public async Task Escalation_skips_an_archived_manager()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var lead = await fixture.HireAsync(company, "Linus", "Tech Lead", "Engineering", cto.Id);
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);
        await fixture.Agent(lead.Id).SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Archived));

        // The policy grain learns of the archiving from a message it applies in its own turn.
        var target = await Eventually.WaitAsync(() => fixture.Policy(company).GetEscalationTargetAsync(company, dev.Id), t => t.ManagerAgentId != lead.Id,
            Patience, "the policy grain applying the archiving");
        target.ManagerAgentId.Should().Be(cto.Id);
    }

    [Fact]
    public async Task Delegation_questions_are_answered_from_memory_and_every_change_made_through_the_grains_reaches_it()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var lead = await fixture.HireAsync(company, "Linus", "Tech Lead", "Engineering", cto.Id);
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", lead.Id);
        var policy = fixture.Policy(company);
        // The hires' commits notify the policy grain to drop its memory; the notifications come over PostgreSQL's
        // LISTEN a moment later. Let them land, so that the memory loaded next is the one the check below relies on.
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await policy.GetEscalationTargetAsync(company, dev.Id)).ManagerAgentId.Should().Be(lead.Id);

        // A row changed behind the grains' back is not seen: the policy grain answers from what it holds.
        await fixture.ExecuteAsync("UPDATE agents SET status = 'archived' WHERE id = @id", ("id", lead.Id));
        (await policy.GetEscalationTargetAsync(company, dev.Id)).ManagerAgentId.Should().Be(lead.Id, "the warm activation does not read the rows again");
        await fixture.ExecuteAsync("UPDATE agents SET status = 'active' WHERE id = @id", ("id", lead.Id));

        // Archiving through the agent's grain reaches the policy grain as a message, applied in the policy grain's turn.
        await fixture.Agent(lead.Id).SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Archived));
        (await Eventually.WaitAsync(() => policy.GetEscalationTargetAsync(company, dev.Id), t => t.ManagerAgentId != lead.Id, Patience, "the archiving applied"))
            .ManagerAgentId.Should().Be(cto.Id, "an archived manager is skipped");

        // So does a hire that is not placed in the chart yet (a rule change, at once: the policy grain makes it).
        var newcomer = await fixture.HireAsync(company, "Sam", "Sales Manager", "Sales", place: false);
        var decision = await Eventually.WaitAsync(async () =>
        {
            try
            {
                return await policy.CanAssignAsync(new CanAssignQuestion(company, newcomer.Id, dev.Id));
            }
            catch (NotFoundException)
            {
                return null; // the hire is not applied yet: the policy grain does not know the agent
            }
        }, d => d is not null, Patience, "the hire applied");
        decision!.Rule.Should().Be("role:sales-never-above-engineering");
        var rule = (await policy.ListRulesAsync(company)).Single(r => r.Name == "sales-never-above-engineering");
        await policy.UpdateRuleAsync(new UpdatePolicyRuleCommand
        {
            CompanyId = company,
            RuleId = rule.Id,
            Description = rule.Description,
            RoleSeparation = rule.RoleSeparation,
            Enabled = false,
            ExpectedVersion = rule.Version,
        });
        (await policy.CanAssignAsync(new CanAssignQuestion(company, newcomer.Id, dev.Id))).Rule.Should().Be("delegation:direct-subordinates-only",
            "the disabled rule no longer decides");
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
}
