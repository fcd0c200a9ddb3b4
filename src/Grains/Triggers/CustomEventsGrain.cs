using System.Text;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Triggers;

/// <summary>
/// The custom events of a company's agents (key = company id). An event is <c>custom.&lt;name&gt;</c> on the stream of
/// the agent's task (so that the task's causation depth follows it), with the payload <c>{ name, data, agentId, taskId }</c>.
/// </summary>
[GrainType("custom-events")]
public sealed class CustomEventsGrain(ITurnContext context, IOptions<TriggerOptions> options) : DurableGrain, ICustomEventsGrain
{
    protected override ITurnContext Turn => context;

    public async Task<long> EmitAsync(EmitEventCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        var name = command.Name?.Trim() ?? "";
        if (name.StartsWith(TriggerEvents.CustomPrefix, StringComparison.Ordinal))
        {
            name = name[TriggerEvents.CustomPrefix.Length..];
        }

        var fields = new Fields();
        if (TriggerRules.CustomNameError(name) is { } nameError)
        {
            fields.Add("name", nameError);
        }

        var data = command.Payload is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given ? given : JsonDocument.Parse("{}").RootElement;
        if (data.ValueKind != JsonValueKind.Object)
        {
            fields.Add("payload", $"must be a JSON object, not {data.ValueKind.ToString().ToLowerInvariant()}");
        }
        else if (Encoding.UTF8.GetByteCount(data.GetRawText()) is var size && size > options.Value.MaxCustomEventBytes)
        {
            fields.Add("payload", $"is {size} bytes of JSON; at most {options.Value.MaxCustomEventBytes} are allowed");
        }

        fields.ThrowIfAny();
        if (!await context.Sql(TriggersSql.AgentOfCompany).With("company_id", companyId).With("id", command.AgentId).ScalarAsync<bool>())
        {
            throw new NotFoundException("Agent", command.AgentId);
        }

        if (command.TaskId is { } taskId && !await context.Sql(TriggersSql.TaskOfCompany).With("company_id", companyId).With("id", taskId).ScalarAsync<bool>())
        {
            throw new NotFoundException("Task", taskId);
        }

        var stream = command.TaskId is { } task ? Streams.Task(task) : Streams.Agent(command.AgentId);
        return await context.PublishNowAsync(stream, TriggerEvents.CustomPrefix + name,
            new { Name = name, Data = data, command.AgentId, command.TaskId }, companyId);
    }
}
