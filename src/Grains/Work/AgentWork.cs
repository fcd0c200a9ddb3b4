using FluidManager.Models;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Work;

/// <summary>
/// What the agent loop needs from the process, registered by <c>AddAgentWork</c>. A process without
/// it (the Api) never runs the loop: the task runner grain is known everywhere (tasks post to it), but
/// only silos with agent work take its steps.
/// </summary>
public sealed class AgentWork(IOptions<WorkOptions> options, ModelPricing pricing, IChatModelProvider models, TimeProvider time)
{
    public WorkOptions Options { get; } = options.Value;

    public ModelPricing Pricing { get; } = pricing;

    public IChatModelProvider Models { get; } = models;

    public TimeProvider Time { get; } = time;
}
