using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.Grains.Schedules;
using FluidManager.Runtime.Activities;
using FluidManager.Runtime.Reminders;
using FluidManager.TestSupport;
using MailKit;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// Mailbox checks against a real IMAP server (dovecot, started per test) through the real Api and a silo that runs
/// the checks: a schedule whose template checks the mailbox fires, the check reads the new mail in a leased activity,
/// and the task it creates lists the messages, each exactly once.
/// </summary>
public sealed class MailboxCheckTests(KnowledgeApiFixture fixture) : IClassFixture<KnowledgeApiFixture>
{
    [SkippableFact]
    public async Task New_mail_appears_once_in_the_task_of_the_firing_is_marked_read_and_the_next_firing_takes_only_newer_mail()
    {
        Dovecot.SkipUnlessInstalled();
        await using var dovecot = await Dovecot.StartAsync();
        using var ceo = await fixture.CeoAsync();
        await SetMailboxAsync(ceo, dovecot, dovecot.Password);
        var before = await dovecot.AppendAsync("old@acme.test", "Already read before the first check", "Old news.");
        await MarkReadAsync(dovecot, before);
        var first = await dovecot.AppendAsync("Alice Buyer <alice@customer.test>", "Order 42 is late", "Hello,\r\n\r\nour order 42 has not arrived yet. Can you check?\r\n\r\nAlice");
        var second = await dovecot.AppendAsync("bob@supplier.test", "Invoice 7", "Please find invoice 7 for the October delivery.");
        var schedule = await CreateScheduleAsync(ceo, "Mailbox " + Guid.NewGuid().ToString("N")[..6]);

        await FireAsync(schedule);
        var run = await RunAsync(ceo, schedule, 1);
        run.GetProperty("outcome").GetString().Should().Be("created", run.ToString());
        var task = await TaskAsync(ceo, run.GetProperty("taskId").GetInt64());
        var description = task.GetProperty("description").GetString()!;
        description.Should().StartWith("Read the new mail and answer what needs an answer.")
            .And.Contain("2 new message(s) in INBOX of mia@127.0.0.1:" + dovecot.Port.ToString(CultureInfo.InvariantCulture))
            .And.Contain("From: \"Alice Buyer\" <alice@customer.test>").And.Contain("Subject: Order 42 is late").And.Contain("our order 42 has not arrived yet")
            .And.Contain("From: bob@supplier.test").And.Contain("Subject: Invoice 7").And.Contain("invoice 7 for the October delivery")
            .And.NotContain("Already read before the first check");
        description.IndexOf("Order 42", StringComparison.Ordinal).Should().BeLessThan(description.IndexOf("Invoice 7", StringComparison.Ordinal), "messages are listed as they arrived");
        task.GetProperty("title").GetString().Should().Be("Check the mailbox");
        (await dovecot.SeenAsync()).Should().Equal(before, first, second);

        // Nothing new: no task, the firing says why (and it is no failure: the schedule-failing alert stays quiet).
        await FireAsync(schedule);
        var quiet = await RunAsync(ceo, schedule, 2);
        quiet.GetProperty("outcome").GetString().Should().Be("checked");
        quiet.GetProperty("reason").GetString().Should().Contain("no new mail in INBOX");
        quiet.GetProperty("taskId").ValueKind.Should().Be(JsonValueKind.Null);

        // Mail that arrives later, even if someone read it meanwhile, goes to the next firing only.
        var third = await dovecot.AppendAsync("carol@partner.test", "Meeting on Monday", "Can we meet on Monday at ten?");
        await MarkReadAsync(dovecot, third);
        await FireAsync(schedule);
        var later = await RunAsync(ceo, schedule, 3);
        later.GetProperty("outcome").GetString().Should().Be("created", later.ToString());
        var next = (await TaskAsync(ceo, later.GetProperty("taskId").GetInt64())).GetProperty("description").GetString()!;
        next.Should().Contain("1 new message(s)").And.Contain("Subject: Meeting on Monday").And.NotContain("Order 42").And.NotContain("Invoice 7");

        (await fixture.ScalarAsync<long>("SELECT count(*) FROM mailbox_messages WHERE mailbox = @m", ("m", "mia@127.0.0.1:" + dovecot.Port.ToString(CultureInfo.InvariantCulture))))
            .Should().Be(3, "each message was taken once");
        var events = await EventsUntilAsync(ceo, $"schedule:{schedule}", e => e.Count(x => x.GetProperty("type").GetString() == "schedule.checking_mailbox") == 3);
        events.Should().Contain(e => e.GetProperty("type").GetString() == "schedule.fired");
        events.Should().Contain(e => e.GetProperty("type").GetString() == "schedule.mailbox_checked");

        // The quiet firing was no failure: the alert sweep (every half second here) never saw this schedule as failing.
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE condition_key = 'schedule_failing:schedule:' || @id", ("id", schedule.ToString(CultureInfo.InvariantCulture))))
            .Should().Be(0);
    }

    [SkippableFact]
    public async Task An_attempt_after_a_crash_answers_with_the_messages_its_check_took_and_no_other_check_takes_them_again()
    {
        Dovecot.SkipUnlessInstalled();
        await using var dovecot = await Dovecot.StartAsync();
        using var ceo = await fixture.CeoAsync();
        await SetMailboxAsync(ceo, dovecot, dovecot.Password);
        var companyId = (await ceo.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("company").GetProperty("id").GetInt64();
        var a = await dovecot.AppendAsync("alice@customer.test", "First", "One.");
        var b = await dovecot.AppendAsync("bob@customer.test", "Second", "Two.");
        var handler = fixture.ApiServices.GetServices<IActivityHandler>().Single(h => h.Kind == "mailbox.check");
        var input = JsonSerializer.SerializeToElement(new MailboxCheckInput(companyId, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), Runtime.RuntimeJson.Options);
        var check = Guid.NewGuid();

        var taken = await RunCheckAsync(handler, check, input, attempt: 1);
        taken.Messages.Select(m => m.Subject).Should().Equal("First", "Second");

        // The silo died after the messages were taken but before they were marked read: the next attempt answers the same.
        await MarkUnreadAsync(dovecot, a, b);
        await dovecot.AppendAsync("carol@customer.test", "Third", "Three.");
        var again = await RunCheckAsync(handler, check, input, attempt: 2);
        again.Messages.Select(m => m.Uid).Should().Equal(taken.Messages.Select(m => m.Uid));
        (await dovecot.SeenAsync()).Should().Contain([a, b]);

        // Another check takes only what no check took.
        var other = await RunCheckAsync(handler, Guid.NewGuid(), input, attempt: 1);
        other.Messages.Select(m => m.Subject).Should().Equal("Third");
    }

    [SkippableFact]
    public async Task A_wrong_password_fails_the_firing_with_the_server_s_refusal_after_the_retries_and_takes_no_mail()
    {
        Dovecot.SkipUnlessInstalled();
        await using var dovecot = await Dovecot.StartAsync();
        using var ceo = await fixture.CeoAsync();
        await SetMailboxAsync(ceo, dovecot, "not-the-password");
        await dovecot.AppendAsync("alice@customer.test", "Waiting for you", "Still unread.");
        var schedule = await CreateScheduleAsync(ceo, "Locked out " + Guid.NewGuid().ToString("N")[..6]);

        await FireAsync(schedule);
        var run = await Eventually.WaitAsync(() => RunAsync(ceo, schedule, 1), r => r.GetProperty("outcome").GetString() != "started", TimeSpan.FromSeconds(90), "the failed check");
        run.GetProperty("outcome").GetString().Should().Be("failed", run.ToString());
        run.GetProperty("reason").GetString().Should()
            .Contain("failed after 2 attempt(s)")
            .And.Contain($"The IMAP server 127.0.0.1:{dovecot.Port} refused the login of 'mia'");
        run.GetProperty("taskId").ValueKind.Should().Be(JsonValueKind.Null);
        var events = await EventsUntilAsync(ceo, $"schedule:{schedule}", e => e.Any(x => x.GetProperty("type").GetString() == "schedule.mailbox_check_failed"));
        events.Single(e => e.GetProperty("type").GetString() == "schedule.mailbox_check_failed").GetProperty("payload").GetProperty("reason").GetString()
            .Should().Contain("refused the login");
        (await dovecot.SeenAsync()).Should().BeEmpty("the message was not taken");

        // Fixed: the next firing takes the message that waited.
        await SetMailboxAsync(ceo, dovecot, dovecot.Password);
        await FireAsync(schedule);
        var fixedRun = await RunAsync(ceo, schedule, 2);
        fixedRun.GetProperty("outcome").GetString().Should().Be("created", fixedRun.ToString());
        (await TaskAsync(ceo, fixedRun.GetProperty("taskId").GetInt64())).GetProperty("description").GetString().Should().Contain("Subject: Waiting for you");
    }

    [Fact]
    public async Task Without_a_mailbox_the_check_creates_its_task_saying_that_none_is_configured()
    {
        using var ceo = await fixture.CeoAsync();
        (await ceo.DeleteAsync("/api/email/imap")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var schedule = await CreateScheduleAsync(ceo, "Placeholder " + Guid.NewGuid().ToString("N")[..6]);

        await FireAsync(schedule);
        var run = await RunAsync(ceo, schedule, 1);
        run.GetProperty("outcome").GetString().Should().Be("created");
        (await TaskAsync(ceo, run.GetProperty("taskId").GetInt64())).GetProperty("description").GetString().Should()
            .Be("Read the new mail and answer what needs an answer.\n\nNo mailbox is configured for this company (PUT /api/email/imap), so this check has no mail to read.");
    }

    [Fact]
    public async Task Mailbox_settings_refuse_bad_input_naming_the_field_never_return_the_password_and_stay_in_their_company()
    {
        using var ceo = await fixture.CeoAsync();
        (await ceo.DeleteAsync("/api/email/imap")).StatusCode.Should().Be(HttpStatusCode.NoContent, "the other tests of the company set one");
        var bad = await ceo.PutAsJsonAsync("/api/email/imap", new { host = "not a host!", port = 0, security = "ssl", username = "", password = "", folder = "a\tb" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        errors.GetProperty("host")[0].GetString().Should().Contain("'not a host!' is not a host name");
        errors.GetProperty("port")[0].GetString().Should().Be("must be between 1 and 65535");
        errors.GetProperty("security")[0].GetString().Should().Contain("'ssl' is not a security mode");
        errors.GetProperty("username")[0].GetString().Should().Be("is required");
        errors.GetProperty("password")[0].GetString().Should().Be("is required");
        errors.GetProperty("folder")[0].GetString().Should().Contain("without control characters");
        var metadata = await ceo.PutAsJsonAsync("/api/email/imap", new { host = "169.254.169.254", username = "agents@acme.test", password = "x" });
        metadata.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await metadata.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("host")[0].GetString()
            .Should().Contain("169.254.169.254 is not an address a mail server may have", "the mail connections' guard refuses link-local (cloud metadata) hosts");

        var password = "imap-secret-" + Guid.NewGuid().ToString("N");
        var saved = await ceo.PutAsJsonAsync("/api/email/imap", new { host = "imap.acme.test", username = "agents@acme.test", password });
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var body = await saved.Content.ReadAsStringAsync();
        body.Should().NotContain(password);
        var dto = JsonDocument.Parse(body).RootElement;
        dto.GetProperty("passwordSet").GetBoolean().Should().BeTrue();
        dto.GetProperty("security").GetString().Should().Be("tls");
        dto.GetProperty("port").GetInt32().Should().Be(993);
        dto.GetProperty("folder").GetString().Should().Be("INBOX");
        dto.TryGetProperty("password", out _).Should().BeFalse();
        (await ceo.GetStringAsync("/api/email/imap")).Should().NotContain(password).And.Contain("agents@acme.test");

        // A change that leaves the password out keeps it; it is stored encrypted.
        (await ceo.PutAsJsonAsync("/api/email/imap", new { folder = "Support" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var stored = await fixture.ScalarAsync<string>("SELECT password FROM company_imap_settings WHERE username = 'agents@acme.test'");
        stored.Should().NotBeNullOrEmpty().And.NotContain(password);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE payload::text LIKE '%' || @s || '%'", ("s", password))).Should().Be(0);

        // Another company sees none of it, and its own settings do not touch these.
        using var other = await fixture.OwnerAsync();
        var company = await other.PostAsJsonAsync("/api/companies", new { name = $"Elsewhere {Guid.NewGuid():N}" });
        company.StatusCode.Should().Be(HttpStatusCode.Created, await company.Content.ReadAsStringAsync());
        (await other.PostAsJsonAsync("/api/auth/switch", new { companyId = (await company.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64() }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await other.GetAsync("/api/email/imap")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PutAsJsonAsync("/api/email/imap", new { folder = "Theirs" })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "nothing of the first company's account carries over");
        (await other.DeleteAsync("/api/email/imap")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetFromJsonAsync<JsonElement>("/api/email/imap")).GetProperty("folder").GetString().Should().Be("Support");

        (await ceo.DeleteAsync("/api/email/imap")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetAsync("/api/email/imap")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static async Task<MailboxCheckResult> RunCheckAsync(IActivityHandler handler, Guid id, JsonElement input, int attempt)
    {
        var execution = new ActivityExecution(id, handler.Kind, "schedule/0", input, attempt, 3, _ => Task.CompletedTask);
        var result = await handler.ExecuteAsync(execution, CancellationToken.None);
        return result.Should().BeOfType<MailboxCheckResult>().Subject;
    }

    private static async Task SetMailboxAsync(HttpClient ceo, Dovecot dovecot, string password)
    {
        var saved = await ceo.PutAsJsonAsync("/api/email/imap", new { host = "127.0.0.1", port = dovecot.Port, security = "none", username = dovecot.User, password });
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
    }

    private async Task<long> CreateScheduleAsync(HttpClient ceo, string name)
    {
        var agent = await ceo.PostAsJsonAsync("/api/agents", new
        {
            profile = new { firstName = "Mia", lastName = "Inbox", role = "Assistant", department = "Office", model = "offline" },
        });
        agent.StatusCode.Should().Be(HttpStatusCode.Created, await agent.Content.ReadAsStringAsync());
        var created = await ceo.PostAsJsonAsync("/api/schedules", new
        {
            name,
            agentId = (await agent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(),
            template = new { title = "Check the mailbox", description = "Read the new mail and answer what needs an answer.", checkMailbox = true },
            timing = new { intervalMinutes = 1440 },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var schedule = await created.Content.ReadFromJsonAsync<JsonElement>();
        schedule.GetProperty("template").GetProperty("checkMailbox").GetBoolean().Should().BeTrue();
        return schedule.GetProperty("id").GetInt64();
    }

    /// <summary>Makes the schedule's reminder due and wakes it, as a tick of Orleans would.</summary>
    private async Task FireAsync(long schedule)
    {
        var key = schedule.ToString(CultureInfo.InvariantCulture);
        await fixture.ExecuteAsync("UPDATE runtime.reminders SET due_at = now() - interval '1 second' WHERE grain_type = 'schedule' AND grain_key = @key AND name = 'fire'", ("key", key));
        await fixture.ApiServices.GetRequiredService<IGrainFactory>().GetGrain<IOverdueReminders>(GrainId.Create("schedule", key)).FireIfDueAsync("fire");
    }

    /// <summary>The schedule's n-th firing once it has an outcome (a mailbox check is "started" until its activity ends).</summary>
    private static async Task<JsonElement> RunAsync(HttpClient ceo, long schedule, int n)
    {
        var runs = await Eventually.WaitAsync(
            async () => (await ceo.GetFromJsonAsync<JsonElement>($"/api/schedules/{schedule}/runs")).EnumerateArray().Reverse().ToList(),
            r => r.Count >= n && r[n - 1].GetProperty("outcome").GetString() != "started", TimeSpan.FromSeconds(90), $"firing {n} of schedule {schedule}");
        runs.Should().HaveCount(n, "each firing is one run");
        return runs[n - 1];
    }

    /// <summary>The stream's events once <paramref name="done"/> holds (the log serves an event once the transactions before it ended).</summary>
    private static Task<List<JsonElement>> EventsUntilAsync(HttpClient client, string stream, Func<List<JsonElement>, bool> done) =>
        Eventually.WaitAsync(
            async () => (await client.GetFromJsonAsync<JsonElement>("/api/events?limit=1000&stream=" + Uri.EscapeDataString(stream))).GetProperty("events").EnumerateArray().ToList(),
            done, TimeSpan.FromSeconds(30), "events of " + stream);

    private static async Task<JsonElement> TaskAsync(HttpClient ceo, long id) => await ceo.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");

    private static async Task MarkReadAsync(Dovecot dovecot, params uint[] uids) => await FlagAsync(dovecot, add: true, uids);

    private static async Task MarkUnreadAsync(Dovecot dovecot, params uint[] uids) => await FlagAsync(dovecot, add: false, uids);

    private static async Task FlagAsync(Dovecot dovecot, bool add, uint[] uids)
    {
        using var imap = await dovecot.ConnectAsync();
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var ids = uids.Select(u => new UniqueId(u)).ToList();
        if (add)
        {
            await imap.Inbox.AddFlagsAsync(ids, MessageFlags.Seen, silent: true);
        }
        else
        {
            await imap.Inbox.RemoveFlagsAsync(ids, MessageFlags.Seen, silent: true);
        }

        await imap.DisconnectAsync(true);
    }
}
