using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using FluidManager.TestSupport;

namespace FluidManager.Api.Tests;

public sealed class TasksApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_created_task_carries_its_version_as_etag_and_the_actions_its_status_allows()
    {
        using var ceo = await fixture.CeoAsync();
        var developer = await ceo.HireAsync("Etta", "Developer", "Engineering");
        var created = await ceo.PostAsJsonAsync("/api/tasks", new { title = "Write the spec", assigneeAgentId = developer, priority = "high" });
        var task = await created.ReadJsonAsync(HttpStatusCode.Created);
        created.Headers.Location!.ToString().Should().Be($"/api/tasks/{task.GetProperty("id").GetInt64()}");
        task.GetProperty("status").GetString().Should().Be("queued");
        task.GetProperty("priority").GetString().Should().Be("high");
        task.GetProperty("allowedActions").Strings().Should().Contain(["start", "pause", "cancel", "comment"]).And.NotContain(["resume", "complete", "retry"]);

        var id = task.GetProperty("id").GetInt64();
        var get = await ceo.GetAsync($"/api/tasks/{id}");
        get.Headers.ETag!.Tag.Should().Be($"\"{task.GetProperty("version").GetInt64()}\"");

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/tasks/{id}");
        conditional.Headers.IfNoneMatch.Add(get.Headers.ETag);
        (await ceo.SendAsync(conditional)).StatusCode.Should().Be(HttpStatusCode.NotModified);

        var paused = await (await ceo.PostAsync($"/api/tasks/{id}/pause", null)).ReadJsonAsync();
        paused.GetProperty("status").GetString().Should().Be("paused");
        paused.GetProperty("allowedActions").Strings().Should().Contain("resume").And.NotContain(["start", "pause"]);
    }

    [Fact]
    public async Task Invalid_task_bodies_answer_400_naming_the_fields()
    {
        using var ceo = await fixture.CeoAsync();
        var missingTitle = await (await ceo.PostAsJsonAsync("/api/tasks", new { description = "no title" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        missingTitle.GetProperty("errors").TryGetProperty("title", out _).Should().BeTrue();

        var badPriority = await (await ceo.PostAsJsonAsync("/api/tasks", new { title = "x", priority = "asap" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        badPriority.GetProperty("errors").TryGetProperty("priority", out _).Should().BeTrue();

        var badAttempts = await (await ceo.PostAsJsonAsync("/api/tasks", new { title = "x", maxAttempts = 0 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        badAttempts.GetProperty("errors").TryGetProperty("maxAttempts", out _).Should().BeTrue();

        var task = await ceo.CreateTaskAsync("Valid task");
        var id = task.GetProperty("id").GetInt64();
        var noAgent = await (await ceo.PostAsJsonAsync($"/api/tasks/{id}/assign", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        noAgent.GetProperty("errors").TryGetProperty("agentId", out _).Should().BeTrue();

        var badStatus = await (await ceo.GetAsync("/api/tasks?status=sleeping")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        badStatus.GetProperty("errors").GetProperty("status")[0].GetString().Should().Contain("awaiting_approval");
        var badAssignee = await (await ceo.GetAsync("/api/tasks?assignee=bob")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        badAssignee.GetProperty("errors").TryGetProperty("assignee", out _).Should().BeTrue();

        var notJson = await (await ceo.PostAsync("/api/tasks", new StringContent("{\"title\": ", Encoding.UTF8, "application/json"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        notJson.GetProperty("detail").GetString().Should().Contain("JSON");
    }

    [Fact]
    public async Task An_illegal_transition_answers_409_with_its_code_and_changes_nothing()
    {
        using var ceo = await fixture.CeoAsync();
        var task = await ceo.CreateTaskAsync("Not started yet");
        var id = task.GetProperty("id").GetInt64();

        var problem = await (await ceo.PostAsJsonAsync($"/api/tasks/{id}/complete", new { result = "done?" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "task.illegal_transition");
        problem.GetProperty("detail").GetString().Should().Contain("queued");
        await (await ceo.PostAsync($"/api/tasks/{id}/resume", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "task.illegal_transition");
        await (await ceo.PostAsync($"/api/tasks/{id}/start", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "task.unassigned");

        var after = await ceo.GetTaskAsync(id);
        after.GetProperty("status").GetString().Should().Be("queued");
        after.GetProperty("version").GetInt64().Should().Be(task.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_stale_if_match_answers_412_and_a_current_one_applies()
    {
        using var ceo = await fixture.CeoAsync();
        var task = await ceo.CreateTaskAsync("Versioned");
        var id = task.GetProperty("id").GetInt64();
        var etag = (await ceo.GetAsync($"/api/tasks/{id}")).Headers.ETag!;

        var first = await ceo.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/tasks/{id}/priority", new { priority = "urgent" }, etag.Tag));
        var changed = await first.ReadJsonAsync();
        first.Headers.ETag!.Tag.Should().Be($"\"{changed.GetProperty("version").GetInt64()}\"");

        var stale = await (await ceo.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/tasks/{id}/priority", new { priority = "low" }, etag.Tag)))
            .ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "version_mismatch");
        stale.GetProperty("actualVersion").GetInt64().Should().Be(changed.GetProperty("version").GetInt64());

        // The version may come in the body instead; both, and different, is a 400.
        await (await ceo.PutAsJsonAsync($"/api/tasks/{id}/deadline", new { deadlineAt = DateTimeOffset.UtcNow.AddDays(3), expectedVersion = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "version_mismatch");
        await (await ceo.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/tasks/{id}/pause", new { expectedVersion = 1 }, first.Headers.ETag.Tag)))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await ceo.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/tasks/{id}/pause", null, "\"abc\""))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");

        (await ceo.GetTaskAsync(id)).GetProperty("priority").GetString().Should().Be("urgent");
    }

    [Fact]
    public async Task Concurrent_reassignments_of_one_task_let_one_win_and_log_one_assignment()
    {
        using var first = await fixture.CeoAsync();
        using var second = await fixture.CeoAsync();
        var alice = await first.HireAsync("Alice", "Developer", "Engineering");
        var bob = await first.HireAsync("Bob", "Developer", "Engineering");
        var task = await first.CreateTaskAsync("Contested");
        var id = task.GetProperty("id").GetInt64();
        var etag = (await first.GetAsync($"/api/tasks/{id}")).Headers.ETag!.Tag;

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var toAlice = Task.Run(async () => { await gate.Task; return await first.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/tasks/{id}/assign", new { agentId = alice }, etag)); });
        var toBob = Task.Run(async () => { await gate.Task; return await second.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/tasks/{id}/assign", new { agentId = bob }, etag)); });
        gate.SetResult();
        var responses = await Task.WhenAll(toAlice, toBob);

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        var loser = responses.Single(r => r.StatusCode != HttpStatusCode.OK);
        loser.StatusCode.Should().BeOneOf(HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict);
        await loser.ShouldBeProblemAsync(loser.StatusCode);

        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ReadJsonAsync();
        var events = await first.EventsUntilAsync($"task:{id}", e => e.Has("task.assigned"));
        var assigned = events.Where(e => e.GetProperty("type").GetString() == "task.assigned").ToList();
        assigned.Should().ContainSingle();
        assigned[0].GetProperty("payload").GetProperty("task").GetProperty("assigneeAgentId").GetInt64()
            .Should().Be(winner.GetProperty("assigneeAgentId").GetInt64());
    }

    [Fact]
    public async Task Deadline_comments_and_the_timeline_follow_the_task()
    {
        using var ceo = await fixture.CeoAsync();
        var id = (await ceo.CreateTaskAsync("Timed")).GetProperty("id").GetInt64();
        var deadline = new DateTimeOffset(2031, 1, 2, 3, 4, 5, TimeSpan.Zero);
        (await (await ceo.PutAsJsonAsync($"/api/tasks/{id}/deadline", new { deadlineAt = deadline })).ReadJsonAsync())
            .GetProperty("deadlineAt").GetDateTimeOffset().Should().Be(deadline);
        (await (await ceo.DeleteAsync($"/api/tasks/{id}/deadline")).ReadJsonAsync()).GetProperty("deadlineAt").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        (await ceo.PostAsJsonAsync($"/api/tasks/{id}/comments", new { body = "Looks good" })).StatusCode.Should().Be(HttpStatusCode.Created);
        var comments = await (await ceo.GetAsync($"/api/tasks/{id}/comments")).ReadJsonAsync();
        comments[0].GetProperty("author").GetString().Should().StartWith("human:");

        var timeline = await Eventually.WaitAsync(
            async () => await (await ceo.GetAsync($"/api/tasks/{id}/timeline")).ReadJsonAsync(),
            t => t.GetProperty("events").GetArrayLength() >= 4, TimeSpan.FromSeconds(15), "the timeline");
        timeline.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString())
            .Should().Equal("task.created", "task.deadline_changed", "task.deadline_changed", "task.commented");
    }

    [Fact]
    public async Task The_list_filters_by_every_criterion_and_pages_by_id()
    {
        using var ceo = await fixture.CeoAsync();
        var project = "Filters " + Guid.NewGuid().ToString("N")[..8];
        var agent = await ceo.HireAsync("Filo", "Developer", "Engineering");
        var soon = DateTimeOffset.UtcNow.AddDays(2);
        var later = DateTimeOffset.UtcNow.AddDays(20);
        var ids = new List<long>
        {
            (await ceo.CreateTaskAsync(new { title = "Alpha invoice", project, priority = "high", deadlineAt = soon, assigneeAgentId = agent })).GetProperty("id").GetInt64(),
            (await ceo.CreateTaskAsync(new { title = "Beta", description = "about the 100% discount", project, priority = "low", deadlineAt = later })).GetProperty("id").GetInt64(),
            (await ceo.CreateTaskAsync(new { title = "Gamma invoice", project, priority = "high" })).GetProperty("id").GetInt64(),
            (await ceo.CreateTaskAsync(new { title = "Delta", project })).GetProperty("id").GetInt64(),
            (await ceo.CreateTaskAsync(new { title = "Epsilon", project })).GetProperty("id").GetInt64(),
        };
        await ceo.PostAsync($"/api/tasks/{ids[3]}/pause", null);
        var p = Uri.EscapeDataString(project);

        async Task<long[]> Ids(string query) =>
            (await (await ceo.GetAsync($"/api/tasks?project={p}&{query}")).ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToArray();

        (await Ids("")).Should().Equal(ids);
        (await Ids("priority=high")).Should().Equal(ids[0], ids[2]);
        (await Ids("status=paused")).Should().Equal(ids[3]);
        (await Ids($"assignee={agent}")).Should().Equal(ids[0]);
        (await Ids("q=INVOICE")).Should().Equal(ids[0], ids[2]);
        (await Ids("q=100%25")).Should().Equal(ids[1]);
        (await Ids($"deadlineFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}&deadlineTo={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(5).ToString("O"))}")).Should().Equal(ids[0]);
        (await Ids($"deadlineFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}")).Should().Equal(ids[0], ids[1]);

        var seen = new List<long>();
        long? after = 0;
        var pages = 0;
        while (after is { } cursor)
        {
            var page = await (await ceo.GetAsync($"/api/tasks?project={p}&limit=2&after={cursor}")).ReadJsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()));
            after = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Number ? page.GetProperty("next").GetInt64() : null;
            pages++;
        }

        seen.Should().Equal(ids);
        pages.Should().Be(3);
        await (await ceo.GetAsync("/api/tasks?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task An_uploaded_artifact_downloads_byte_for_byte()
    {
        using var ceo = await fixture.CeoAsync();
        var id = (await ceo.CreateTaskAsync("With a file")).GetProperty("id").GetInt64();
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "spec.pdf");
        form.Add(new StringContent("spec"), "kind");

        var uploaded = await (await ceo.PostAsync($"/api/tasks/{id}/artifacts", form)).ReadJsonAsync(HttpStatusCode.Created);
        uploaded.GetProperty("name").GetString().Should().Be("spec.pdf");
        uploaded.GetProperty("kind").GetString().Should().Be("spec");
        uploaded.GetProperty("size").GetInt64().Should().Be(bytes.Length);
        uploaded.GetProperty("sha256").GetString().Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));

        var listed = await (await ceo.GetAsync($"/api/tasks/{id}/artifacts")).ReadJsonAsync();
        listed.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).Should().Contain(uploaded.GetProperty("id").GetInt64());

        var download = await ceo.GetAsync($"/api/tasks/{id}/artifacts/{uploaded.GetProperty("id").GetInt64()}");
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        download.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("spec.pdf");
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);

        var link = await (await ceo.PostAsJsonAsync($"/api/tasks/{id}/links", new { name = "Board", url = "https://example.com/board" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await ceo.GetAsync($"/api/tasks/{id}/artifacts/{link.GetProperty("id").GetInt64()}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "artifact.no_content");
        await (await ceo.GetAsync($"/api/tasks/{id + 1000}/artifacts/{uploaded.GetProperty("id").GetInt64()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_upload_without_a_file_or_with_a_wrong_kind_answers_400_naming_the_field()
    {
        using var ceo = await fixture.CeoAsync();
        var id = (await ceo.CreateTaskAsync("No file")).GetProperty("id").GetInt64();
        using var empty = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        var problem = await (await ceo.PostAsync($"/api/tasks/{id}/artifacts", empty)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        problem.GetProperty("errors").TryGetProperty("file", out _).Should().BeTrue();

        using var avatar = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "a.bin" }, { new StringContent("avatar"), "kind" } };
        var wrongKind = await (await ceo.PostAsync($"/api/tasks/{id}/artifacts", avatar)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        wrongKind.GetProperty("errors").TryGetProperty("kind", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Another_companys_tasks_answer_404()
    {
        var world = await fixture.WorldAsync();
        using var acme = await fixture.CeoAsync();
        var id = (await acme.CreateTaskAsync("Acme only")).GetProperty("id").GetInt64();
        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await beta.GetAsync($"/api/tasks/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await beta.PostAsync($"/api/tasks/{id}/pause", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await beta.GetAsync($"/api/tasks/{id}/timeline")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        (await beta.CreateTaskAsync("Beta only")).GetProperty("companyId").GetInt64().Should().Be(world.Beta);
        var visible = (await (await beta.GetAsync("/api/tasks")).ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        visible.Should().NotBeEmpty().And.OnlyContain(t => t.GetProperty("companyId").GetInt64() == world.Beta);
    }

    private static HttpRequestMessage WithIfMatch(HttpMethod method, string path, object? body, string etag)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }
}
