using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Serialization;

/// <summary>
/// How a <see cref="JsonElement"/> (tool arguments and refs, ingestion progress) crosses silos: as its raw
/// JSON text. Orleans has no codec of its own for it. A default (undefined) element travels as null.
/// </summary>
[GenerateSerializer]
[Alias("fm.serialization.JsonElementSurrogate")]
public struct JsonElementSurrogate
{
    [Id(0)]
    public string? Json { get; set; }
}

/// <summary>Converts a <see cref="JsonElement"/> to and from <see cref="JsonElementSurrogate"/>; found by the Orleans serializer through the attribute.</summary>
[RegisterConverter]
public sealed class JsonElementSurrogateConverter : IConverter<JsonElement, JsonElementSurrogate>
{
    public JsonElement ConvertFromSurrogate(in JsonElementSurrogate surrogate) =>
        surrogate.Json is null ? default : JsonElement.Parse(surrogate.Json);

    public JsonElementSurrogate ConvertToSurrogate(in JsonElement value) =>
        new() { Json = value.ValueKind == JsonValueKind.Undefined ? null : value.GetRawText() };
}
