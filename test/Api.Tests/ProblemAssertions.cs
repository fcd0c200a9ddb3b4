using System.Net;
using System.Text.Json;

namespace FluidManager.Api.Tests;

public static class ProblemAssertions
{
    /// <summary>Asserts an RFC 9457 problem with this status (and code, when given); returns its body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", text);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.TryGetProperty("code", out var actualCode).Should().BeTrue(text);
        if (code is not null)
        {
            actualCode.GetString().Should().Be(code, text);
        }

        return problem;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
