using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Storage;

namespace FluidManager.Grains.Tests;

public sealed class AgentTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    [Fact]
    public async Task An_agent_is_created_read_and_updated_with_its_whole_profile()
    {
        var company = await fixture.CreateCompanyAsync();
        var profile = new AgentProfile
        {
            FirstName = " Ada ",
            LastName = "Lovelace",
            Role = "Developer",
            Department = "Engineering",
            Seniority = AgentSeniority.Senior,
            Bio = "Writes careful code.",
            Affinities = ["compilers", "math", "math"],
            SystemPrompt = "You are Ada.",
            StyleGuidelines = "Be brief.",
            Model = "offline",
            AllowedTools = ["RAG", "web"],
            Limits = new AgentLimits { TokensPerDay = 100_000, TokensPerMonth = 2_000_000, MaxCost = 25m, WebDomains = ["Example.com", "*.docs.example.org"], SqlSources = ["warehouse"] },
        };

        var created = await fixture.Company(company).CreateAgentAsync(new CreateAgentCommand { CompanyId = company, Profile = profile });
        var updated = await fixture.Agent(created.Id).UpdateAsync(new UpdateAgentCommand(company, created.Profile with { Bio = "Now a lead." }, created.Version));

        created.Profile.FirstName.Should().Be("Ada");
        created.Profile.Affinities.Should().Equal("compilers", "math");
        created.Profile.AllowedTools.Should().Equal("rag", "web");
        created.Profile.Limits.WebDomains.Should().Equal("example.com", "*.docs.example.org");
        created.Profile.Limits.MaxCost.Should().Be(25m);
        created.Status.Should().Be(AgentStatus.Active);
        created.ReportsToCeo.Should().BeTrue();
        updated.Version.Should().Be(created.Version + 1);
        (await fixture.Agent(created.Id).GetAsync(company)).Profile.Bio.Should().Be("Now a lead.");
        (await fixture.StreamAsync(company, Streams.Agent(created.Id))).Select(e => e.Type).Should().Equal(EventTypes.AgentCreated, EventTypes.AgentUpdated);
        var stale = () => fixture.Agent(created.Id).UpdateAsync(new UpdateAgentCommand(company, profile, created.Version));
        await stale.Should().ThrowAsync<VersionMismatchException>();
    }

    [Fact]
    public async Task An_invalid_profile_names_every_bad_field()
    {
        var company = await fixture.CreateCompanyAsync();
        var profile = GrainsFixture.Profile("", "Developer", "Engineering") with
        {
            AllowedTools = ["telepathy"],
            Limits = new AgentLimits { TokensPerDay = -1, WebDomains = ["not a domain"] },
        };

        var act = () => fixture.Company(company).CreateAgentAsync(new CreateAgentCommand { CompanyId = company, Profile = profile });

        (await act.Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().BeEquivalentTo(
            "profile.firstName", "profile.allowedTools", "profile.limits.tokensPerDay", "profile.limits.webDomains");
    }

    [Fact]
    public async Task Deleting_an_agent_with_open_work_is_refused_with_the_reason_until_the_work_is_reassigned()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var bob = await fixture.HireAsync(company, "Bob", "Developer", "Engineering");
        var open = await fixture.CreateTaskAsync(company, assignee: ada.Id);
        var closed = await fixture.CreateTaskAsync(company, "Old work", assignee: ada.Id);
        await fixture.Task(closed.Id).CancelAsync(new CancelTaskCommand(company));

        var act = () => fixture.Agent(ada.Id).DeleteAsync(new DeleteAgentCommand(company));

        var refused = (await act.Should().ThrowAsync<ConflictException>()).Which;
        refused.Code.Should().Be("agent.has_open_work");
        refused.Message.Should().Be("Ada Test has 1 open task(s): archive the agent instead, or reassign its work first.");
        (await fixture.Agent(ada.Id).GetAsync(company)).Should().NotBeNull();

        await fixture.Task(open.Id).AssignAsync(new AssignTaskCommand(company, bob.Id));
        await fixture.Agent(ada.Id).DeleteAsync(new DeleteAgentCommand(company));

        await fixture.Agent(ada.Id).Invoking(a => a.GetAsync(company)).Should().ThrowAsync<NotFoundException>();
        (await fixture.Task(closed.Id).GetAsync(company)).AssigneeAgentId.Should().BeNull("history stays, the assignee is gone");
        (await fixture.StreamAsync(company, Streams.Agent(ada.Id))).Select(e => e.Type).Should().EndWith(EventTypes.AgentDeleted);
        (await fixture.StreamAsync(company, Streams.Company(company))).Should().Contain(e => e.Type == EventTypes.OrgAgentRemoved);
    }

    [Fact]
    public async Task Deleting_a_manager_with_reports_is_refused()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        await fixture.HireAsync(company, "Ada", "Developer", "Engineering", cto.Id);

        var act = () => fixture.Agent(cto.Id).DeleteAsync(new DeleteAgentCommand(company));

        (await act.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("agent.has_reports");
    }

    [Fact]
    public async Task An_archived_agent_takes_no_work_and_a_paused_one_cannot_delegate()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Grace", "CTO", "Engineering");
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering", cto.Id);
        var task = await fixture.CreateTaskAsync(company);

        var archived = await fixture.Agent(dev.Id).SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Archived, dev.Version));
        await fixture.Agent(cto.Id).SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Paused));

        archived.Status.Should().Be(AgentStatus.Archived);
        var assign = () => fixture.Task(task.Id).AssignAsync(new AssignTaskCommand(company, dev.Id));
        (await assign.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("agent.archived");
        var delegate_ = () => fixture.Agent(cto.Id).DelegateAsync(new DelegateCommand { CompanyId = company, ToAgentId = dev.Id, Title = "x" });
        (await delegate_.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("agent.not_active");
        var pauseArchived = () => fixture.Agent(dev.Id).SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Paused));
        (await pauseArchived.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("agent.illegal_status");
        (await fixture.Company(company).ListAgentsAsync(new ListAgentsQuery(company, AgentStatus.Archived))).Should().ContainSingle(a => a.Id == dev.Id);
        (await fixture.StreamAsync(company, Streams.Agent(dev.Id))).Select(e => e.Type).Should().EndWith(EventTypes.AgentArchived);
    }

    [Fact]
    public async Task An_avatar_is_an_uploaded_image_recorded_as_an_artifact()
    {
        var company = await fixture.CreateCompanyAsync();
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var store = (IObjectStore)fixture.Host.Services.GetService(typeof(IObjectStore))!;
        using var png = new MemoryStream([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var stored = await store.PutAsync(ObjectKeys.NewArtifactKey(company), png, "image/png");

        var withAvatar = await fixture.Agent(ada.Id).SetAvatarAsync(new SetAvatarCommand(company, stored, "ada.png", ada.Version));

        withAvatar.AvatarArtifactId.Should().NotBeNull();
        withAvatar.Version.Should().Be(ada.Version + 1);
        var artifact = await fixture.Company(company).GetArtifactAsync(company, withAvatar.AvatarArtifactId!.Value);
        artifact.Kind.Should().Be(ArtifactKind.Avatar);
        artifact.Size.Should().Be(7);
        artifact.Sha256.Should().Be(stored.Sha256);
        await using var content = await store.GetAsync(artifact.StorageKey!);
        content!.Length.Should().Be(7);

        var notImage = () => fixture.Agent(ada.Id).SetAvatarAsync(new SetAvatarCommand(company, stored with { ContentType = "text/plain" }, "x.txt"));
        (await notImage.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("image.contentType");
        var foreignKey = () => fixture.Agent(ada.Id).SetAvatarAsync(new SetAvatarCommand(company, stored with { Key = ObjectKeys.NewArtifactKey(company + 1) }, "x.png"));
        (await foreignKey.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("object.key");
    }

    [Fact]
    public async Task A_foreign_company_never_sees_an_agent()
    {
        var company = await fixture.CreateCompanyAsync();
        var other = await fixture.CreateCompanyAsync("Other");
        var ada = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var task = await fixture.CreateTaskAsync(other);

        await fixture.Agent(ada.Id).Invoking(a => a.GetAsync(other)).Should().ThrowAsync<NotFoundException>();
        await fixture.Agent(ada.Id).Invoking(a => a.DeleteAsync(new DeleteAgentCommand(other))).Should().ThrowAsync<NotFoundException>();
        var crossAssign = () => fixture.Task(task.Id).AssignAsync(new AssignTaskCommand(other, ada.Id));
        (await crossAssign.Should().ThrowAsync<NotFoundException>()).Which.What.Should().Be("Agent");
        var crossManager = () => fixture.HireAsync(other, "Bob", "Developer", "Engineering", ada.Id);
        await crossManager.Should().ThrowAsync<NotFoundException>();
    }
}
