using System.Text.Json;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol;

namespace FluidManager.Api.McpEndpoint;

/// <summary>
/// What every MCP tool shares: the result as the same JSON the REST API returns, and a domain
/// refusal (bad argument, not found, illegal transition, stale version, a rule) as an MCP tool error
/// whose text says what was wrong and names the argument.
/// </summary>
public sealed class McpToolCalls(IOptions<JsonOptions> json)
{
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    /// <summary>Runs the grain call and returns its result as JSON text; a refusal becomes an <see cref="McpException"/> (an error result to the client).</summary>
    public async Task<string> RunAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return JsonSerializer.Serialize(await call(), _json);
        }
        catch (DomainException refused)
        {
            throw new McpException(Describe(refused), refused);
        }
    }

    /// <summary>The text of a refusal: the domain's own message (it names the fields) and its stable code.</summary>
    public static string Describe(DomainException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        var kind = refused switch
        {
            ValidationException => "Invalid arguments",
            NotFoundException => "Not found",
            ConflictException => "Not allowed in the current state",
            VersionMismatchException => "Changed by someone else first",
            PolicyDeniedException => "Forbidden by a rule",
            _ => "Refused",
        };
        return $"{kind} ({refused.Code}): {refused.Message}";
    }

    /// <summary>A bad argument found before any grain is called, named as the grains name theirs.</summary>
    public static McpException Invalid(string argument, string problem) =>
        new(Describe(new ValidationException(argument, problem)));
}
