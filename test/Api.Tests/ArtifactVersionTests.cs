using System.Net;
using System.Text;
using System.Text.Json;

namespace FluidManager.Api.Tests;

/// <summary>Artifact versions over HTTP: uploads under one name, downloads of each version, deletion of one.</summary>
public sealed class ArtifactVersionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Two_uploads_under_one_name_are_two_versions_both_listed_and_downloadable_and_deleting_one_keeps_the_other()
    {
        using var ceo = await fixture.CeoAsync();
        var task = (await ceo.CreateTaskAsync("Write the plan")).GetProperty("id").GetInt64();

        var v1 = await UploadAsync(ceo, task, "plan.md", "# Plan, first draft", """{"status": "draft"}""");
        var v2 = await UploadAsync(ceo, task, "plan.md", "# Plan, reviewed", """{"status": "reviewed", "reviewer": "cfo"}""");
        var other = await UploadAsync(ceo, task, "budget.csv", "a,b\n1,2", null);
        v1.GetProperty("version").GetInt32().Should().Be(1);
        v2.GetProperty("version").GetInt32().Should().Be(2);
        other.GetProperty("version").GetInt32().Should().Be(1, "versions count per name");
        JsonDocument.Parse(v2.GetProperty("metadata").GetString()!).RootElement.GetProperty("reviewer").GetString().Should().Be("cfo");
        other.GetProperty("metadata").GetString().Should().Be("{}");

        var listed = (await (await ceo.GetAsync($"/api/tasks/{task}/artifacts")).ReadJsonAsync()).EnumerateArray()
            .Where(a => a.GetProperty("name").GetString() == "plan.md").ToList();
        listed.Select(a => a.GetProperty("version").GetInt32()).Should().BeEquivalentTo([1, 2]);

        (await DownloadAsync(ceo, task, v1)).Should().Be("# Plan, first draft");
        (await DownloadAsync(ceo, task, v2)).Should().Be("# Plan, reviewed");

        (await ceo.DeleteAsync($"/api/tasks/{task}/artifacts/{v1.GetProperty("id").GetInt64()}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetAsync($"/api/tasks/{task}/artifacts/{v1.GetProperty("id").GetInt64()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ceo.DeleteAsync($"/api/tasks/{task}/artifacts/{v1.GetProperty("id").GetInt64()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await DownloadAsync(ceo, task, v2)).Should().Be("# Plan, reviewed");
        var left = (await (await ceo.GetAsync($"/api/tasks/{task}/artifacts")).ReadJsonAsync()).EnumerateArray()
            .Where(a => a.GetProperty("name").GetString() == "plan.md").Select(a => a.GetProperty("version").GetInt32());
        left.Should().Equal(2);
        var v3 = await UploadAsync(ceo, task, "plan.md", "# Plan, final", null);
        v3.GetProperty("version").GetInt32().Should().Be(3, "a deleted version's number is not given again");
        (await ceo.EventsUntilAsync($"task:{task}", e => e.Has("task.artifact_deleted"))).Count(e => e.GetProperty("type").GetString() == "task.artifact_deleted").Should().Be(1);
    }

    [Fact]
    public async Task Metadata_that_is_not_a_json_object_is_refused_naming_the_field()
    {
        using var ceo = await fixture.CeoAsync();
        var task = (await ceo.CreateTaskAsync("Collect receipts")).GetProperty("id").GetInt64();
        using var form = Form("receipts.txt", "r1", "[1, 2]");
        var problem = await (await ceo.PostAsync($"/api/tasks/{task}/artifacts", form)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        problem.GetProperty("errors").GetProperty("metadata")[0].GetString().Should().Contain("JSON object");
    }

    private static MultipartFormDataContent Form(string name, string content, string? metadata)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", name } };
        if (metadata is not null)
        {
            form.Add(new StringContent(metadata), "metadata");
        }

        return form;
    }

    private static async Task<JsonElement> UploadAsync(HttpClient client, long task, string name, string content, string? metadata)
    {
        using var form = Form(name, content, metadata);
        return await (await client.PostAsync($"/api/tasks/{task}/artifacts", form)).ReadJsonAsync(HttpStatusCode.Created);
    }

    private static async Task<string> DownloadAsync(HttpClient client, long task, JsonElement artifact)
    {
        var response = await client.GetAsync($"/api/tasks/{task}/artifacts/{artifact.GetProperty("id").GetInt64()}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }
}
