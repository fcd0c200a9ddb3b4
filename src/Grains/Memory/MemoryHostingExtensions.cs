using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Tools;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Grains.Memory;

/// <summary>Registration of agent memory.</summary>
public static class MemoryHostingExtensions
{
    /// <summary>
    /// The <c>agent-memory</c> grain (known to every process that runs turns), its settings
    /// (<see cref="MemoryOptions"/>, section <c>Fluid:Memory</c>, checked at start-up) and the <c>recall</c> and
    /// <c>remember</c> tools every agent is offered, the <c>memory.embed</c>, <c>memory.briefing</c> and <c>memory.lesson</c> activities and the
    /// sweep that embeds, at start-up, items still waiting for their vector. Called by <c>AddGrains</c>. The grain type name is stored: never rename it.
    /// </summary>
    public static IServiceCollection AddAgentMemory(this IServiceCollection services)
    {
        services.AddGrain<IAgentMemoryGrain, AgentMemoryGrain>("agent-memory");
        services.AddGrain<ICompanyMemoryGrain, CompanyMemoryGrain>("company-memory");
        services.AddOptions<MemoryOptions>()
            .BindConfiguration(MemoryOptions.Section)
            .Validate(o => o.BriefingMaxTokens >= 0, $"{MemoryOptions.Section}:BriefingMaxTokens must be 0 or more.")
            .Validate(o => o.BriefingMaxItems is >= 0 and <= 50, $"{MemoryOptions.Section}:BriefingMaxItems must be between 0 and 50.")
            .Validate(o => o.CandidatesPerHalf is >= 1 and <= 1000, $"{MemoryOptions.Section}:CandidatesPerHalf must be between 1 and 1000.")
            .Validate(o => o.VectorEfSearch is >= 1 and <= 1000, $"{MemoryOptions.Section}:VectorEfSearch must be between 1 and 1000.")
            .Validate(o => o.VectorMaxScanTuples >= 1, $"{MemoryOptions.Section}:VectorMaxScanTuples must be at least 1.")
            .Validate(o => o.VectorExactMaxItems >= 0, $"{MemoryOptions.Section}:VectorExactMaxItems must be 0 or more.")
            .Validate(o => o.VectorSketchCandidates >= 1, $"{MemoryOptions.Section}:VectorSketchCandidates must be at least 1.")
            .Validate(o => o.EmbedAttempts is >= 1 and <= 100, $"{MemoryOptions.Section}:EmbedAttempts must be between 1 and 100.")
            .Validate(o => o.RrfK >= 1, $"{MemoryOptions.Section}:RrfK must be at least 1.")
            .Validate(o => o.PinBonus >= 0 && o.RecencyBonus >= 0, $"{MemoryOptions.Section}:PinBonus and RecencyBonus must be 0 or more.")
            .Validate(o => o.RecencyHalfLifeDays > 0, $"{MemoryOptions.Section}:RecencyHalfLifeDays must be more than 0.")
            .ValidateOnStart();
        services.AddActivityHandler<MemoryEmbedActivity>();
        services.AddActivityHandler<MemoryBriefingActivity>();
        services.AddHostedService<MemoryEmbeddingSweep>();
        services.AddAgentTool<RecallTool>();
        services.AddAgentTool<RememberTool>();
        return services;
    }
}
