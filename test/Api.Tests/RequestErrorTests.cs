using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace FluidManager.Api.Tests;

public sealed class RequestErrorTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Malformed_json_answers_400_problem_naming_the_problem()
    {
        using var owner = await fixture.OwnerAsync();
        var response = await owner.PostAsync("/api/companies", new StringContent("{\"name\": \"Acme", Encoding.UTF8, "application/json"));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        problem.GetProperty("detail").GetString().Should().Contain("JSON").And.Contain("LineNumber");
    }

    [Fact]
    public async Task A_json_value_of_the_wrong_type_answers_400_naming_the_path()
    {
        using var owner = await fixture.OwnerAsync();
        var response = await owner.PostAsync("/api/auth/switch", new StringContent("{\"companyId\": \"one\"}", Encoding.UTF8, "application/json"));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        problem.GetProperty("detail").GetString().Should().Contain("$.companyId");
    }

    [Fact]
    public async Task A_missing_body_answers_400_problem()
    {
        using var owner = await fixture.OwnerAsync();
        await (await owner.PostAsync("/api/companies", new StringContent("", Encoding.UTF8, "application/json"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_answers_413_problem()
    {
        using var owner = await fixture.OwnerAsync();
        var large = "{\"name\": \"" + new string('a', 1024 * 1024 + 10) + "\"}";
        await (await owner.PostAsync("/api/companies", new StringContent(large, Encoding.UTF8, "application/json"))).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_answers_413_problem_too()
    {
        using var owner = await fixture.OwnerAsync();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"name\": \"" + new string('a', 1024 * 1024 + 10) + "\"}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/companies") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        await (await owner.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    [Fact]
    public async Task Unknown_ids_and_unknown_paths_answer_404_problem()
    {
        using var owner = await fixture.OwnerAsync();
        await (await owner.GetAsync("/api/users/987654")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await owner.DeleteAsync("/api/tokens/987654")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await owner.GetAsync("/api/companies/987654")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await owner.GetAsync("/api/no-such-thing")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await owner.GetAsync("/api/users/not-a-number")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_query_parameter_answers_400_problem()
    {
        using var owner = await fixture.OwnerAsync();
        await (await owner.GetAsync("/api/events?after=abc")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var problem = await (await owner.GetAsync("/api/events?limit=5000")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        problem.GetProperty("errors").TryGetProperty("limit", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_wrong_method_answers_405_problem()
    {
        using var owner = await fixture.OwnerAsync();
        await (await owner.PutAsync("/api/companies", new StringContent("{}", Encoding.UTF8, "application/json"))).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
    }
}
