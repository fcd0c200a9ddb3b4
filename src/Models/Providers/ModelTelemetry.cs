namespace FluidManager.Models;

/// <summary>
/// The OpenTelemetry names of model calls. Every chat client the catalogue resolves goes through
/// Microsoft.Extensions.AI's <c>OpenTelemetryChatClient</c>, which emits a span per call and the
/// <c>gen_ai.client.*</c> metrics following the gen_ai semantic conventions (<c>gen_ai.request.model</c>,
/// <c>gen_ai.usage.input_tokens</c>, <c>gen_ai.usage.output_tokens</c>…), without message contents. A host
/// subscribes with <c>AddSource(ModelTelemetry.SourceName)</c> and <c>AddMeter(ModelTelemetry.SourceName)</c>.
/// The product's own records (tokens, cost and duration per call) are written by the callers as before.
/// </summary>
public static class ModelTelemetry
{
    /// <summary>The activity source and meter name of model calls.</summary>
    public const string SourceName = "FluidManager.Models";
}
