using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

public sealed class UsersTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Adding_a_user_without_a_password_returns_a_generated_one_once_and_it_signs_in()
    {
        using var owner = await fixture.OwnerAsync();
        var added = await (await owner.PostAsJsonAsync("/api/users", new { email = "New.Hire@Acme.test", displayName = "New Hire", role = "viewer" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        added.GetProperty("member").GetProperty("email").GetString().Should().Be("new.hire@acme.test");
        added.GetProperty("existingAccount").GetBoolean().Should().BeFalse();
        var password = added.GetProperty("initialPassword").GetString()!;

        var id = added.GetProperty("member").GetProperty("id").GetInt64();
        var listed = await (await owner.GetAsync("/api/users")).ReadJsonAsync();
        listed.EnumerateArray().Should().Contain(u => u.GetProperty("id").GetInt64() == id && u.GetProperty("role").GetString() == "viewer");
        listed.GetRawText().Should().NotContain(password).And.NotContain("passwordHash");

        using var hire = await fixture.SignInAsync("new.hire@acme.test", password);
    }

    [Fact]
    public async Task Invalid_fields_answer_400_naming_each_field()
    {
        using var owner = await fixture.OwnerAsync();
        var problem = await (await owner.PostAsJsonAsync("/api/users", new { email = "not-an-address", displayName = "", password = "short", role = "king" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "email", "displayName", "password", "role" })
        {
            errors.TryGetProperty(field, out _).Should().BeTrue(field);
        }
    }

    [Fact]
    public async Task The_last_active_ceo_cannot_be_demoted_removed_or_disabled()
    {
        var world = await fixture.WorldAsync();
        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        using var owner = await fixture.OwnerAsync();
        var ownerId = (await (await owner.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("user").GetProperty("id").GetInt64();

        // Acme has one ceo: the owner.
        await (await owner.PatchAsJsonAsync($"/api/users/{ownerId}", new { role = "admin" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "users.last_ceo");
        await (await owner.DeleteAsync($"/api/users/{ownerId}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "users.last_ceo");

        // Beta has two (the owner created it, then made ceo@beta.test ceo): one may go, not both.
        (await betaCeo.PatchAsJsonAsync($"/api/users/{ownerId}", new { role = "viewer" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await betaCeo.DeleteAsync($"/api/users/{world.BetaCeo}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "users.last_ceo");
        (await betaCeo.PatchAsJsonAsync($"/api/users/{ownerId}", new { role = "ceo" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_admin_cannot_make_anyone_ceo_nor_touch_a_ceo()
    {
        var world = await fixture.WorldAsync();
        using var admin = await fixture.SignInAsync(World.AcmeAdminEmail, ApiFixture.Password);
        await (await admin.PatchAsJsonAsync($"/api/users/{world.AcmeAdmin}", new { role = "ceo" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");
        await (await admin.PostAsJsonAsync("/api/users", new { email = "usurper@acme.test", displayName = "U", password = ApiFixture.Password, role = "ceo" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");

        var users = await (await admin.GetAsync("/api/users")).ReadJsonAsync();
        var ceoId = users.EnumerateArray().First(u => u.GetProperty("role").GetString() == "ceo").GetProperty("id").GetInt64();
        await (await admin.DeleteAsync($"/api/users/{ceoId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "policy_denied");

        // But an admin manages viewers.
        var id = await ApiFixture.AddUserAsync(admin, "intern@acme.test", "viewer");
        (await (await admin.PatchAsJsonAsync($"/api/users/{id}", new { displayName = "Intern" })).ReadJsonAsync()).GetProperty("displayName").GetString().Should().Be("Intern");
    }

    [Fact]
    public async Task Users_of_another_company_answer_404_to_every_method()
    {
        var world = await fixture.WorldAsync();
        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await betaCeo.GetAsync($"/api/users/{world.AcmeAdmin}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await betaCeo.PatchAsJsonAsync($"/api/users/{world.AcmeAdmin}", new { role = "viewer" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await betaCeo.DeleteAsync($"/api/users/{world.AcmeViewer}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var listed = await (await betaCeo.GetAsync("/api/users")).ReadJsonAsync();
        listed.EnumerateArray().Select(u => u.GetProperty("email").GetString()).Should().NotContain([World.AcmeAdminEmail, World.AcmeViewerEmail]);

        using var acmeAdmin = await fixture.SignInAsync(World.AcmeAdminEmail, ApiFixture.Password);
        (await acmeAdmin.GetAsync($"/api/users/{world.AcmeViewer}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_existing_account_joins_with_its_own_password_and_its_shared_account_is_not_changed_from_another_company()
    {
        var world = await fixture.WorldAsync();
        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        using var owner = await fixture.OwnerAsync();
        await (await owner.PostAsJsonAsync("/api/users", new { email = World.BetaCeoEmail, displayName = "x", password = "a password to overwrite", role = "viewer" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "users.account_exists");

        var joined = await (await owner.PostAsJsonAsync("/api/users", new { email = World.BetaCeoEmail, displayName = "x", role = "viewer" })).ReadJsonAsync(HttpStatusCode.Created);
        joined.GetProperty("existingAccount").GetBoolean().Should().BeTrue();
        joined.GetProperty("initialPassword").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        await (await owner.PostAsJsonAsync("/api/users", new { email = World.BetaCeoEmail, displayName = "x", role = "viewer" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "users.already_member");

        await (await owner.PatchAsJsonAsync($"/api/users/{world.BetaCeo}", new { password = "hijacked password!" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "users.account_shared");
        using var again = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password, world.Acme);
        (await owner.DeleteAsync($"/api/users/{world.BetaCeo}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var stillInBeta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_loses_its_session()
    {
        using var owner = await fixture.OwnerAsync();
        var id = await ApiFixture.AddUserAsync(owner, "suspended@acme.test", "viewer");
        using var suspended = await fixture.SignInAsync("suspended@acme.test", ApiFixture.Password);
        (await (await owner.PatchAsJsonAsync($"/api/users/{id}", new { disabled = true })).ReadJsonAsync()).GetProperty("disabled").GetBoolean().Should().BeTrue();

        (await suspended.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var anonymous = fixture.Anonymous();
        (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "suspended@acme.test", password = ApiFixture.Password })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
