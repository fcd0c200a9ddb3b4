using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Grains.Tests;

public sealed class WorklogArtifactTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    [Fact]
    public async Task A_replayed_agent_step_never_duplicates_its_worklog_entry()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var task = await fixture.CreateTaskAsync(company, assignee: ada.Id);
        var note = new AddWorklogCommand(company, ada.Id, "Read the brief.", WorklogVisibility.Project, StepKey: "run-1/step-1");

        var first = await fixture.Task(task.Id).AddWorklogAsync(note);
        var replay = await fixture.Task(task.Id).AddWorklogAsync(note with { Body = "Read the brief (again)." });
        await fixture.Task(task.Id).AddWorklogAsync(note with { StepKey = null });
        await fixture.Task(task.Id).AddWorklogAsync(note with { StepKey = null });

        replay.Should().Be(first);
        (await fixture.Task(task.Id).ListWorklogAsync(new ListWorklogQuery(company))).Should().HaveCount(3);
        (await fixture.StreamAsync(company, Streams.Task(task.Id))).Count(e => e.Type == EventTypes.TaskWorklogAdded).Should().Be(3);
    }

    [Fact]
    public async Task Worklog_visibility_limits_what_other_agents_read()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", cto.Id);
        var peer = await fixture.HireAsync(company, "Bob", "Developer", "Engineering", cto.Id);
        var task = await fixture.CreateTaskAsync(company, assignee: dev.Id);
        var grain = fixture.Task(task.Id);
        await grain.AddWorklogAsync(new AddWorklogCommand(company, dev.Id, "private", WorklogVisibility.Agent));
        await grain.AddWorklogAsync(new AddWorklogCommand(company, dev.Id, "for my manager", WorklogVisibility.Manager));
        await grain.AddWorklogAsync(new AddWorklogCommand(company, dev.Id, "for everyone", WorklogVisibility.Project));

        async Task<IEnumerable<string>> Seen(long? viewer) => (await grain.ListWorklogAsync(new ListWorklogQuery(company, viewer))).Select(e => e.Body);

        (await Seen(null)).Should().Equal("private", "for my manager", "for everyone");
        (await Seen(dev.Id)).Should().Equal("private", "for my manager", "for everyone");
        (await Seen(cto.Id)).Should().Equal("for my manager", "for everyone");
        (await Seen(peer.Id)).Should().Equal("for everyone");
    }

    [Fact]
    public async Task Artifacts_are_recorded_once_per_step_and_bytes_stay_in_object_storage()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var task = await fixture.CreateTaskAsync(company, assignee: ada.Id);
        var store = fixture.Host.Services.GetRequiredService<IObjectStore>();
        using var spec = new MemoryStream("# Spec\nShip it."u8.ToArray());
        var stored = await store.PutAsync(ObjectKeys.NewArtifactKey(company), spec, "text/markdown");
        var attach = new AttachArtifactCommand { CompanyId = company, Kind = ArtifactKind.Spec, Name = "spec.md", Object = stored, AgentId = ada.Id, StepKey = "run-1/step-2" };

        var first = await fixture.Task(task.Id).AttachArtifactAsync(attach);
        var replay = await fixture.Task(task.Id).AttachArtifactAsync(attach with { Name = "spec-v2.md" });
        var link = await fixture.Task(task.Id).AttachArtifactAsync(new AttachArtifactCommand { CompanyId = company, Kind = ArtifactKind.Link, Name = "Board", Url = "https://example.com/board" });
        var agentNote = await fixture.Agent(ada.Id).AttachArtifactAsync(new AttachArtifactCommand { CompanyId = company, Kind = ArtifactKind.File, Name = "cv.md", Object = stored, StepKey = "run-1/step-2" });

        replay.Should().Be(first);
        first.Size.Should().Be(stored.Size);
        first.Sha256.Should().Be(stored.Sha256);
        link.Url.Should().Be("https://example.com/board");
        link.StorageKey.Should().BeNull();
        agentNote.TaskId.Should().BeNull("the same step key is separate for the agent's own artifacts");
        (await fixture.Task(task.Id).ListArtifactsAsync(company)).Select(a => a.Name).Should().Equal("spec.md", "Board");
        (await fixture.Agent(ada.Id).ListArtifactsAsync(company)).Select(a => a.Name).Should().Contain(["spec.md", "cv.md"]);
        (await fixture.StreamAsync(company, Streams.Task(task.Id))).Count(e => e.Type == EventTypes.TaskArtifactAdded).Should().Be(2);
        await using var bytes = await store.GetAsync(first.StorageKey!);
        bytes!.Length.Should().Be(stored.Size);
    }

    [Fact]
    public async Task An_artifact_without_its_bytes_or_with_another_companys_key_is_refused()
    {
        var company = await fixture.CreateCompanyAsync();
        var task = await fixture.CreateTaskAsync(company);
        var grain = fixture.Task(task.Id);

        var noBytes = () => grain.AttachArtifactAsync(new AttachArtifactCommand { CompanyId = company, Kind = ArtifactKind.File, Name = "a.bin" });
        var badLink = () => grain.AttachArtifactAsync(new AttachArtifactCommand { CompanyId = company, Kind = ArtifactKind.Link, Name = "x", Url = "ftp://example.com" });
        var foreign = () => grain.AttachArtifactAsync(new AttachArtifactCommand
        {
            CompanyId = company,
            Kind = ArtifactKind.File,
            Name = "a.bin",
            Object = new StoredObject(ObjectKeys.NewArtifactKey(company + 1), 1, new string('a', 64), "application/octet-stream"),
        });

        (await noBytes.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("object");
        (await badLink.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("url");
        (await foreign.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("object.key");
        await fixture.Company(company).Invoking(c => c.GetArtifactAsync(company, 999_999)).Should().ThrowAsync<NotFoundException>();
    }
}
