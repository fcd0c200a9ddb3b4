using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Models;
using FluidManager.Runtime;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Triggers;

/// <summary>
/// <c>emit_event</c>: writes a custom event <c>custom.&lt;name&gt;</c> with a JSON object payload (at most
/// <see cref="TriggerOptions.MaxCustomEventBytes"/>), which event triggers on that type pick up. Offered to agents
/// allowed the <c>events</c> tool.
/// </summary>
public sealed class EmitEventTool(IGrainFactory grains) : IAgentTool
{
    public const string ToolName = "emit_event";

    public static ToolDefinition DefinitionValue { get; } = ToolDefinition.Create(
        ToolName,
        "Announce that something happened, as a custom event of the company (custom.<name>) that workflow triggers may act on.",
        """
        {"type":"object","properties":{
          "name":{"type":"string","description":"The event's name: lowercase letters, digits and _, words joined by dots, such as lead_qualified."},
          "payload":{"type":"object","description":"Optional: what the event carries, a JSON object (small)."}},
         "required":["name"]}
        """);

    public string Name => ToolName;

    public string Permission => AgentTools.Events;

    public ToolDefinition Definition => DefinitionValue;

    public async Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        if (args.Text("name", "event", "type") is not { } name)
        {
            return AgentToolResult.Error("'name' is required.");
        }

        try
        {
            long position;
            using (CallerContext.As(Data.Actor.AgentName(invocation.AgentId)))
            {
                position = await grains.GetGrain<ICustomEventsGrain>(invocation.CompanyId).EmitAsync(new EmitEventCommand
                {
                    CompanyId = invocation.CompanyId,
                    AgentId = invocation.AgentId,
                    TaskId = invocation.TaskId,
                    Name = name,
                    Payload = args.Element("payload", "data"),
                });
            }

            var type = TriggerEvents.CustomPrefix + (name.StartsWith(TriggerEvents.CustomPrefix, StringComparison.Ordinal) ? name[TriggerEvents.CustomPrefix.Length..] : name);
            return AgentToolResult.Ok(string.Create(CultureInfo.InvariantCulture, $"event {type} written (position {position})."),
                JsonSerializer.SerializeToElement(new { type, position }, RuntimeJson.Options));
        }
        catch (ValidationException ex)
        {
            return AgentToolResult.Error(string.Join("; ", ex.Errors.Select(e => $"'{e.Key}' {string.Join(", ", e.Value)}")));
        }
        catch (NotFoundException ex)
        {
            return AgentToolResult.Error(ex.Message);
        }
    }
}
