using System.Text.Json;
using FluidManager.Runtime;

namespace FluidManager.Knowledge.Tools;

internal static class ToolJson
{
    /// <summary>Tool metadata as JSON, in the runtime's conventions (camelCase, snake_case enums).</summary>
    public static JsonElement Of(object value) => JsonSerializer.SerializeToElement(value, value.GetType(), RuntimeJson.Options);
}
