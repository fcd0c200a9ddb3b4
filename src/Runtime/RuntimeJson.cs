using System.Text.Json;
using System.Text.Json.Serialization;

namespace FluidManager.Runtime;

/// <summary>The one JSON setting used for messages, activity payloads and events.</summary>
public static class RuntimeJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // jsonb stores object keys in its own order, so a polymorphic type's "$type" (such as the contents of
        // a Microsoft.Extensions.AI chat message) is rarely first when a payload is read back.
        AllowOutOfOrderMetadataProperties = true,
    };
}
