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
    };
}
