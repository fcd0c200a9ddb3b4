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

    [Fact]
    public async Task The_document_declares_both_sign_in_schemes_and_what_each_operation_requires()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("session").GetProperty("type").GetString().Should().Be("apiKey");
        schemes.GetProperty("session").GetProperty("in").GetString().Should().Be("cookie");
        schemes.GetProperty("session").GetProperty("name").GetString().Should().Be("fluid.session");
        schemes.GetProperty("apiToken").GetProperty("type").GetString().Should().Be("http");
        schemes.GetProperty("apiToken").GetProperty("scheme").GetString().Should().Be("bearer");

        var operations = Operations(document).ToDictionary(o => o.Id, o => o.Operation);
        operations.Values.Should().AllSatisfy(o => o.TryGetProperty("security", out _).Should().BeTrue());
        Schemes(operations["Login"]).Should().BeEmpty("signing in is public");
        Schemes(operations["ListTasks"]).Should().BeEquivalentTo(["session", "apiToken"]);
        Schemes(operations["ListSilos"]).Should().BeEquivalentTo(["session", "apiToken"]);
        operations["ListTasks"].GetProperty("responses").TryGetProperty("401", out _).Should().BeTrue();
        operations["ListTasks"].GetProperty("responses").TryGetProperty("403", out _).Should().BeFalse("every member may read tasks");
        operations["CreateToken"].GetProperty("responses").TryGetProperty("401", out _).Should().BeTrue();
        operations["ListSilos"].GetProperty("responses").TryGetProperty("403", out _).Should().BeTrue("only operators see the cluster");
        operations["ListSilos"].GetProperty("description").GetString().Should().Contain("operator");
    }

    [Fact]
    public async Task Every_operation_lists_a_success_and_an_error_response_and_every_tag_is_described()
    {
        var document = await DocumentAsync();
        foreach (var (id, operation) in Operations(document))
        {
            var codes = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            codes.Should().Contain(c => c.StartsWith('2'), "{0} should declare its success", id);
            // A public operation without input (signing out) has no error to declare.
            var takesInput = operation.TryGetProperty("parameters", out _) || operation.TryGetProperty("requestBody", out _);
            if (Schemes(operation).Count > 0 || takesInput)
            {
                codes.Should().Contain(c => c.StartsWith('4'), "{0} should declare its errors", id);
            }
        }

        var tags = document.GetProperty("tags").EnumerateArray().ToList();
        tags.Should().NotBeEmpty();
        tags.Where(t => !t.TryGetProperty("description", out var d) || string.IsNullOrWhiteSpace(d.GetString()))
            .Select(t => t.GetProperty("name").GetString()).Should().BeEmpty("every tag needs a description (see OpenApiContract.TagDescriptions)");
        document.GetProperty("servers").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Integers_are_documented_as_integers_not_as_integer_or_string()
    {
        var document = await DocumentAsync();
        var mixed = new List<string>();
        Walk(document, "#", mixed);
        mixed.Should().BeEmpty();

        var taskId = Operations(document).Single(o => o.Id == "GetTask").Operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "id");
        taskId.GetProperty("schema").GetProperty("type").ValueKind.Should().Be(JsonValueKind.String);
        taskId.GetProperty("schema").GetProperty("type").GetString().Should().Be("integer");
    }

    private static void Walk(JsonElement element, string path, List<string> mixed)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
                {
                    var types = type.EnumerateArray().Select(t => t.GetString()).ToList();
                    if (types.Contains("string") && (types.Contains("integer") || types.Contains("number")))
                    {
                        mixed.Add(path);
                    }
                }

                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, $"{path}/{property.Name}", mixed);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}/{index++}", mixed);
                }

                break;
        }
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = fixture.Anonymous();
        return await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
    }

    private static IEnumerable<(string Id, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject())
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("responses", out _))
            .Select(o => (o.Value.TryGetProperty("operationId", out var id) ? id.GetString()! : o.Name, o.Value));

    private static List<string> Schemes(JsonElement operation) =>
        operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList();
}
