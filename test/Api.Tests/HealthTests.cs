using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FluidManager.Api.Tests;

public sealed class HealthTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Ready_answers_200_when_database_is_reachable_and_migrated()
    {
        using var client = fixture.Factory.CreateClient();
        var response = await client.GetAsync("/health/ready");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().Should().Be("Healthy");
        body.GetProperty("checks").EnumerateArray().Should().ContainSingle(c => c.GetProperty("name").GetString() == "database");
    }

    [Fact]
    public async Task Live_answers_200_without_touching_the_database()
    {
        using var client = fixture.Factory.CreateClient();
        var response = await client.GetAsync("/health/live");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OpenApi_document_is_served()
    {
        using var client = fixture.Factory.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        document.GetProperty("openapi").GetString().Should().StartWith("3.");
    }
}
