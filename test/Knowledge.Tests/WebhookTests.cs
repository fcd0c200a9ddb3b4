using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.Knowledge.Webhooks;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// Outbound webhooks over HTTP: the Api and a silo (which runs the deliveries) on one database, and a receiver the
/// test starts on a free local port with Kestrel.
/// </summary>
public sealed class WebhookTests(KnowledgeApiFixture fixture) : IClassFixture<KnowledgeApiFixture>
{
    private const string Secret = "whsec-for-the-webhook-tests-0123";

    [Fact]
    public async Task A_failed_task_alert_fires_once_and_reaches_the_webhook_once_signed_retried_after_a_500()
    {
        await using var receiver = await Receiver.StartAsync(failFirst: 1);
        using var ceo = await fixture.CeoAsync();
        var hook = await (await ceo.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "task_failed" }, secret = Secret, description = "ops" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var hookId = hook.GetProperty("id").GetInt64();
        hook.TryGetProperty("secret", out _).Should().BeFalse();

        var tag = Guid.NewGuid().ToString("N")[..6];
        var task = await CreateTaskAsync(ceo, "Reconcile the bank " + tag);
        (await ceo.PostAsJsonAsync($"/api/tasks/{task}/fail", new { reason = "The bank feed is down." })).StatusCode.Should().Be(HttpStatusCode.OK);
        var alert = (await Eventually.WaitAsync(() => AlertsOfAsync(ceo, task), a => a.Count == 1, TimeSpan.FromSeconds(60), "the alert")).Single();

        // It fails again before anyone read the alert: still one alert, still one delivery.
        (await ceo.PostAsJsonAsync($"/api/tasks/{task}/retry", new { })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ceo.PostAsJsonAsync($"/api/tasks/{task}/fail", new { reason = "Still down." })).StatusCode.Should().Be(HttpStatusCode.OK);

        var log = await Eventually.WaitAsync(
            async () => (await ceo.GetFromJsonAsync<JsonElement>($"/api/webhooks/{hookId}/deliveries")).EnumerateArray().ToList(),
            d => d.Count >= 1 && d[0].GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(90), "the delivery to be logged as delivered");

        // A second task failing afterwards: once its delivery is there, sweeps have seen the first task's second failure.
        var later = await CreateTaskAsync(ceo, "Close the books " + tag);
        (await ceo.PostAsJsonAsync($"/api/tasks/{later}/fail", new { reason = "No ledger." })).StatusCode.Should().Be(HttpStatusCode.OK);
        await Eventually.WaitAsync(() => Task.FromResult(receiver.Received.Count(r => r.Status == 200)), n => n >= 2, TimeSpan.FromSeconds(90), "the second task's delivery");

        (await AlertsOfAsync(ceo, task)).Should().ContainSingle();
        var ofTask = receiver.Received.Where(r => r.Body.GetProperty("alert").GetProperty("taskId").GetInt64() == task).ToList();
        ofTask.Should().HaveCount(2, "the first attempt got a 500 and the retry a 200");
        ofTask.Select(r => r.Delivery).Distinct().Should().ContainSingle("both attempts are one delivery");
        ofTask.Select(r => r.Status).Should().Equal(500, 200);
        foreach (var request in ofTask)
        {
            WebhookSignature.Verify(Secret, request.Timestamp, request.Raw, request.Signature).Should().BeTrue("each attempt is signed with the webhook's secret");
            WebhookSignature.Verify("another-secret-of-16-chars", request.Timestamp, request.Raw, request.Signature).Should().BeFalse();
            request.Event.Should().Be("alert.fired");
            request.Body.GetProperty("alert").GetProperty("id").GetInt64().Should().Be(alert.GetProperty("id").GetInt64());
            request.Body.GetProperty("alert").GetProperty("kind").GetString().Should().Be("task_failed");
        }

        var delivery = log.Single(d => d.GetProperty("alertId").GetInt64() == alert.GetProperty("id").GetInt64());
        delivery.GetProperty("attempts").GetInt32().Should().Be(2);
        delivery.GetProperty("responseCode").GetInt32().Should().Be(200);
        delivery.GetProperty("durationMs").ValueKind.Should().Be(JsonValueKind.Number);
        delivery.GetProperty("deliveryId").GetGuid().ToString().Should().Be(ofTask[0].Delivery);

        // The secret never comes back.
        var listed = await ceo.GetStringAsync("/api/webhooks");
        listed.Should().NotContain(Secret).And.Contain(receiver.Url);
    }

    [Fact]
    public async Task A_failed_task_alert_is_e_mailed_once_to_the_ceo_once_a_mail_server_is_configured()
    {
        using var smtp = await SmtpSink.StartAsync();
        using var ceo = await fixture.CeoAsync();
        var password = "smtp-" + Guid.NewGuid().ToString("N");
        (await ceo.PutAsJsonAsync("/api/email/settings", new
        {
            host = "127.0.0.1", port = smtp.Port, security = "none", username = "alerts", password, fromAddress = "alerts@acme.test", fromName = "Acme alerts",
        })).StatusCode.Should().Be(HttpStatusCode.OK);
        try
        {
            var task = await CreateTaskAsync(ceo, "Renew the certificate " + Guid.NewGuid().ToString("N")[..6]);
            (await ceo.PostAsJsonAsync($"/api/tasks/{task}/fail", new { reason = "The registrar refused the card." })).StatusCode.Should().Be(HttpStatusCode.OK);
            var alert = (await Eventually.WaitAsync(() => AlertsOfAsync(ceo, task), a => a.Count == 1, TimeSpan.FromSeconds(60), "the alert")).Single();
            var alertId = alert.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
            (await ceo.PostAsJsonAsync($"/api/tasks/{task}/retry", new { })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await ceo.PostAsJsonAsync($"/api/tasks/{task}/fail", new { reason = "Refused again." })).StatusCode.Should().Be(HttpStatusCode.OK);

            List<string> OfAlert() => smtp.Messages.Where(m => m.Contains("X-Fluid-Alert: " + alertId + "\r\n", StringComparison.Ordinal)).ToList();
            await Eventually.WaitAsync(() => Task.FromResult(OfAlert()), m => m.Count >= 1, TimeSpan.FromSeconds(90), "the alert e-mail");

            // A second alert e-mailed afterwards: by then the sweeps have seen the first task's second failure.
            var later = await CreateTaskAsync(ceo, "Pay the registrar " + Guid.NewGuid().ToString("N")[..6]);
            (await ceo.PostAsJsonAsync($"/api/tasks/{later}/fail", new { reason = "No card." })).StatusCode.Should().Be(HttpStatusCode.OK);
            var laterAlert = (await Eventually.WaitAsync(() => AlertsOfAsync(ceo, later), a => a.Count == 1, TimeSpan.FromSeconds(60), "the second alert")).Single();
            var laterId = laterAlert.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
            await Eventually.WaitAsync(
                () => Task.FromResult(smtp.Messages.Count(m => m.Contains("X-Fluid-Alert: " + laterId + "\r\n", StringComparison.Ordinal))),
                n => n >= 1, TimeSpan.FromSeconds(90), "the second alert's e-mail");

            var mail = OfAlert().Should().ContainSingle("an alert fires once, even when its task fails again before it is read").Subject;
            mail.Should().Contain("Subject: [fluidManager alert]").And.Contain("To: " + KnowledgeApiFixture.OwnerEmail).And.Contain("alerts@acme.test")
                .And.Contain("Kind: task_failed").And.Contain("Message-Id: <");
            smtp.Messages.Should().NotContain(m => m.Contains(password, StringComparison.Ordinal));
        }
        finally
        {
            (await ceo.DeleteAsync("/api/email/settings")).IsSuccessStatusCode.Should().BeTrue();
        }
    }

    [Fact]
    public async Task Bad_webhooks_are_refused_naming_the_field_and_a_deleted_webhook_is_gone()
    {
        using var ceo = await fixture.CeoAsync();
        var bad = await ceo.PostAsJsonAsync("/api/webhooks", new { url = "ftp://example.test/x", events = new[] { "meteor" }, secret = "short" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("url")[0].GetString().Should().Contain("ftp://example.test/x");
        errors.GetProperty("events")[0].GetString().Should().Contain("'meteor'");
        errors.GetProperty("secret")[0].GetString().Should().Contain("16");

        var created = await ceo.PostAsJsonAsync("/api/webhooks", new { url = "https://hooks.example.test/in", events = new[] { "*" }, secret = Secret });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var replaced = await (await ceo.PutAsJsonAsync($"/api/webhooks/{id}", new { url = "https://hooks.example.test/v2", events = new[] { "dead_letter", "silo_lost" }, enabled = false }))
            .Content.ReadFromJsonAsync<JsonElement>();
        replaced.GetProperty("url").GetString().Should().Be("https://hooks.example.test/v2");
        replaced.GetProperty("enabled").GetBoolean().Should().BeFalse();
        (await ceo.DeleteAsync($"/api/webhooks/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetAsync($"/api/webhooks/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ceo.GetAsync($"/api/webhooks/{id}/deliveries")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cloud_metadata_and_link_local_addresses_are_refused_even_where_private_networks_are_allowed()
    {
        using var ceo = await fixture.CeoAsync();
        foreach (var url in new[] { "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook" })
        {
            var refused = await ceo.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "*" }, secret = Secret });
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, url);
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("url")[0].GetString()
                .Should().Contain("link-local").And.Contain(url.Contains("169", StringComparison.Ordinal) ? "169.254.169.254" : "fe80::1");
        }

        var created = await ceo.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" }, secret = Secret, enabled = false });
        created.StatusCode.Should().Be(HttpStatusCode.Created, "this installation allows private networks (Fluid:Webhooks:AllowPrivateNetworks)");
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var moved = await ceo.PutAsJsonAsync($"/api/webhooks/{id}", new { url = "http://169.254.169.254/", events = new[] { "*" }, enabled = false });
        moved.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ceo.GetFromJsonAsync<JsonElement>($"/api/webhooks/{id}")).GetProperty("url").GetString().Should().Be("http://127.0.0.1:9/hook");
        (await ceo.DeleteAsync($"/api/webhooks/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_mail_server_at_a_link_local_address_is_refused_naming_the_host()
    {
        using var ceo = await fixture.CeoAsync();
        try
        {
            var refused = await ceo.PutAsJsonAsync("/api/email/settings", new
            {
                host = "169.254.169.254", port = 25, security = "none", fromAddress = "alerts@acme.test",
            });
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("host")[0].GetString()
                .Should().Contain("169.254.169.254").And.Contain("link-local");
            (await ceo.GetAsync("/api/email/settings")).StatusCode.Should().Be(HttpStatusCode.NotFound, "nothing was saved");
        }
        finally
        {
            await ceo.DeleteAsync("/api/email/settings");
        }
    }

    private static async Task<long> CreateTaskAsync(HttpClient client, string title)
    {
        var response = await client.PostAsJsonAsync("/api/tasks", new { title });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<List<JsonElement>> AlertsOfAsync(HttpClient client, long taskId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/notifications?taskId={taskId}")).EnumerateArray().ToList();

    private sealed record Received(string Delivery, string Event, long Timestamp, string? Signature, string Raw, JsonElement Body, int Status);

    /// <summary>A webhook receiver on a free local port: answers 500 to the first <c>failFirst</c> requests, then 200, and keeps each request.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _count;

        private Receiver(WebApplication app, int failFirst)
        {
            _app = app;
            app.MapPost("/hook", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                var raw = await reader.ReadToEndAsync();
                var status = Interlocked.Increment(ref _count) <= failFirst ? 500 : 200;
                Received.Enqueue(new Received(
                    request.Headers[WebhookSignature.DeliveryHeader].ToString(), request.Headers[WebhookSignature.EventHeader].ToString(),
                    long.Parse(request.Headers[WebhookSignature.TimestampHeader].ToString(), CultureInfo.InvariantCulture),
                    request.Headers[WebhookSignature.SignatureHeader].ToString(), raw, JsonDocument.Parse(raw).RootElement.Clone(), status));
                return Results.StatusCode(status);
            });
        }

        public ConcurrentQueue<Received> Received { get; } = new();

        public string Url => _app.Urls.Single() + "/hook";

        public static async Task<Receiver> StartAsync(int failFirst)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var receiver = new Receiver(builder.Build(), failFirst);
            await receiver._app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
