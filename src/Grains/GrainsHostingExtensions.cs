using FluidManager.Grains.Access;
using FluidManager.Grains.Agents;
using FluidManager.Grains.Alerts;
using FluidManager.Grains.Analytics;
using FluidManager.Grains.Companies;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Analytics;
using FluidManager.Grains.Governance;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Schedules;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Grains.Meetings;
using FluidManager.Grains.Memory;
using FluidManager.Grains.Organization;
using FluidManager.Grains.Schedules;
using FluidManager.Grains.Storage;
using FluidManager.Grains.Tasks;
using FluidManager.Grains.Transfer;
using FluidManager.Grains.Triggers;
using FluidManager.Grains.Work;
using FluidManager.Grains.Workflows;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Grains;

/// <summary>Registration entry point of the company's grains.</summary>
public static class GrainsHostingExtensions
{
    /// <summary>Registers every grain of a company, the schema they own and the object store for artifact bytes.</summary>
    public static IHostApplicationBuilder AddGrains(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMigrations(typeof(GrainsHostingExtensions).Assembly);
        builder.Services.AddAccess();

        // Type names are stored in messages and reminders: never rename them.
        builder.Services.AddGrain<ICompanyGrain, CompanyGrain>("company");
        builder.Services.AddGrain<IAgentGrain, AgentGrain>("agent");
        builder.Services.AddGrain<ITaskGrain, TaskGrain>("task");
        builder.Services.AddGrain<IHierarchyPolicyGrain, HierarchyPolicyGrain>("hierarchy-policy");
        builder.Services.AddGrain<IPolicyAuditGrain, PolicyAuditGrain>("policy-audit");
        builder.Services.AddWorkGrains();
        builder.Services.AddAgentMemory();
        builder.Services.AddGrain<ISchedulesGrain, SchedulesGrain>("schedules");
        builder.Services.AddGrain<IScheduleGrain, ScheduleGrain>("schedule");
        builder.Services.AddOptions<MailboxCheckOptions>()
            .BindConfiguration(MailboxCheckOptions.Section)
            .Validate(o => o.Attempts is >= 1 and <= 20, $"{MailboxCheckOptions.Section}:Attempts must be between 1 and 20.")
            .Validate(o => o.Backoff >= TimeSpan.FromMilliseconds(100), $"{MailboxCheckOptions.Section}:Backoff must be at least 00:00:00.100.")
            .Validate(o => o.Timeout >= TimeSpan.FromSeconds(1), $"{MailboxCheckOptions.Section}:Timeout must be at least 00:00:01.")
            .Validate(o => o.MaxMessages is >= 1 and <= 50, $"{MailboxCheckOptions.Section}:MaxMessages must be between 1 and 50.")
            .Validate(o => o.ExcerptChars is >= 100 and <= 5000, $"{MailboxCheckOptions.Section}:ExcerptChars must be between 100 and 5000.")
            .ValidateOnStart();
        builder.Services.AddGrain<IMeetingsGrain, MeetingsGrain>("meetings");
        builder.Services.AddGrain<IMeetingGrain, MeetingGrain>("meeting");
        builder.Services.AddGrain<ICompanyPolicyGrain, CompanyPolicyGrain>("company-policy");
        builder.Services.AddGrain<IAnalyticsGrain, AnalyticsGrain>("analytics");
        builder.Services.AddAlerts();
        builder.Services.AddGrain<IWorkflowsGrain, WorkflowsGrain>("workflows");
        builder.Services.AddGrain<IWorkflowGrain, WorkflowGrain>("workflow");
        builder.Services.AddCompanyTransfer();
        builder.Services.AddGrain<IWorkflowRunGrain, WorkflowRunGrain>("workflow-run");
        builder.Services.AddEventTriggers();
        builder.AddObjectStorage();
        return builder;
    }
}
