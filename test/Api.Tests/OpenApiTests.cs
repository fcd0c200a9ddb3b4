using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Api.Tests;

public sealed class OpenApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public void Every_api_endpoint_has_a_name_and_a_summary()
    {
        var endpoints = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        endpoints.Should().NotBeEmpty();
        endpoints.Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is null || e.Metadata.GetMetadata<IEndpointSummaryMetadata>() is null)
            .Select(e => e.RoutePattern.RawText).Should().BeEmpty();
    }

    [Fact]
    public async Task The_document_describes_the_access_endpoints_with_their_operation_ids()
    {
        using var client = fixture.Anonymous();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operationIds = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject())
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("operationId", out _))
            .Select(o => o.Value.GetProperty("operationId").GetString())
            .ToList();
        operationIds.Should().Contain(["Login", "GetSession", "ListUsers", "CreateToken", "ReadEvents", "ListSilos"]);
    }
}
