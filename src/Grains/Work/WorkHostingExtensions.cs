using FluidManager.Grains.Interfaces.Work;
using FluidManager.Models.Hosting;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Grains.Work;

/// <summary>Registration of the agent loop.</summary>
public static class WorkHostingExtensions
{
    /// <summary>
    /// The grains of agent work, known to every process that runs turns (a task's grain posts to its runner,
    /// the Api decides approvals). Called by <c>AddGrains</c>. Type names are stored: never rename them.
    /// </summary>
    public static IServiceCollection AddWorkGrains(this IServiceCollection services)
    {
        services.AddGrain<ITaskRunnerGrain, TaskRunnerGrain>("task-runner");
        services.AddGrain<IApprovalGrain, ApprovalGrain>("approval");
        services.AddGrain<IClarificationGrain, ClarificationGrain>("clarification");
        services.AddGrain<ICompanyWorkGrain, CompanyWorkGrain>("company-work");
        return services;
    }

    /// <summary>
    /// Makes this process take agent steps: the model layer (<c>AddModels</c>, idempotent), the loop's
    /// settings (<see cref="WorkOptions"/>, section <c>Fluid:Work</c>) and the <c>agent.model_call</c> and
    /// <c>meeting.model_call</c> activities. Every silo calls it; the Api does not (it never runs steps).
    /// </summary>
    public static IHostApplicationBuilder AddAgentWork(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(AgentWork)))
        {
            return builder;
        }

        builder.AddModels();
        builder.Services.AddOptions<WorkOptions>()
            .BindConfiguration(WorkOptions.Section)
            .Validate(o => o.MaxSteps >= 1, $"{WorkOptions.Section}:MaxSteps must be at least 1.")
            .Validate(o => o.CallTimeout >= TimeSpan.FromSeconds(1), $"{WorkOptions.Section}:CallTimeout must be at least one second.")
            .Validate(o => o.CallAttempts >= 1, $"{WorkOptions.Section}:CallAttempts must be at least 1.")
            .Validate(o => o.MaxOutputTokens >= 1, $"{WorkOptions.Section}:MaxOutputTokens must be at least 1.")
            .Validate(o => o.InputReserveFactor >= 1.0, $"{WorkOptions.Section}:InputReserveFactor must be at least 1.")
            .Validate(o => o.MaxTextAnswers >= 1, $"{WorkOptions.Section}:MaxTextAnswers must be at least 1.")
            .Validate(o => o.ApprovalTimeToLive >= TimeSpan.FromSeconds(1), $"{WorkOptions.Section}:ApprovalTimeToLive must be at least one second.")
            .Validate(o => o.MaxArtifactBytes >= 1, $"{WorkOptions.Section}:MaxArtifactBytes must be at least 1.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentWork>();
        builder.Services.AddActivityHandler<ModelCallActivity>();
        // The lesson an agent's memory asks its model for, run where the models are.
        builder.Services.AddActivityHandler<Memory.MemoryLessonActivity>();
        builder.Services.AddActivityHandler<Meetings.MeetingCallActivity>();
        return builder;
    }
}
