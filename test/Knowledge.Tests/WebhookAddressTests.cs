using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// The webhook address guard with the default policy (Fluid:Webhooks:AllowPrivateNetworks off), through the real Api
/// and a silo that runs the deliveries: private and loopback targets are refused when saved, and a name that resolves
/// to one is refused when the delivery connects, once, with the reason in the delivery log.
/// </summary>
public sealed class WebhookAddressTests(PublicWebhooksApiFixture fixture) : IClassFixture<PublicWebhooksApiFixture>
{
    private const string Secret = "whsec-for-the-address-tests-0123";

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", "127.0.0.1")]
    [InlineData("http://10.1.2.3/hook", "10.1.2.3")]
    [InlineData("https://[::1]/hook", "::1")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254")]
    [InlineData("http://[::ffff:192.168.1.20]:5432/", "192.168.1.20")]
    public async Task A_webhook_to_a_private_address_is_refused_when_saved_naming_the_url_and_the_setting(string url, string address)
    {
        using var ceo = await fixture.CeoAsync();

        var created = await ceo.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "*" }, secret = Secret, enabled = false });

        created.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("url")[0].GetString();
        problem.Should().Contain(address).And.Contain("Fluid:Webhooks:AllowPrivateNetworks");
        (await ceo.GetStringAsync("/api/webhooks")).Should().NotContain(url);
    }

    [Fact]
    public async Task A_delivery_to_a_name_that_resolves_to_loopback_is_refused_once_and_logged_as_failed_without_a_connection()
    {
        // A real listener on the loopback address: any connection the delivery made would be accepted and counted.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connections = 0;
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var accepted = await listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref connections);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // stopped at the end of the test
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var ceo = await fixture.CeoAsync();
        var saved = await ceo.PostAsJsonAsync("/api/webhooks", new { url = $"http://localhost:{port}/hook", events = new[] { "task_failed" }, secret = Secret });
        saved.StatusCode.Should().Be(HttpStatusCode.Created, "a name is checked when the delivery connects, after DNS resolution");
        var hookId = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var task = await (await ceo.PostAsJsonAsync("/api/tasks", new { title = "Renew the lease " + Guid.NewGuid().ToString("N")[..6] }))
            .Content.ReadFromJsonAsync<JsonElement>();
        (await ceo.PostAsJsonAsync($"/api/tasks/{task.GetProperty("id").GetInt64()}/fail", new { reason = "The landlord is away." })).StatusCode.Should().Be(HttpStatusCode.OK);

        var delivery = (await Eventually.WaitAsync(
            async () => (await ceo.GetFromJsonAsync<JsonElement>($"/api/webhooks/{hookId}/deliveries")).EnumerateArray().ToList(),
            d => d.Count == 1 && d[0].GetProperty("status").GetString() == "failed", TimeSpan.FromSeconds(90), "the delivery to be logged as failed")).Single();
        var activity = delivery.GetProperty("deliveryId").GetGuid();

        // The activity ended after its one attempt (no retry is scheduled), and the grain's outcome kept the failure.
        await Eventually.WaitAsync(
            () => fixture.ScalarAsync<string>("SELECT status FROM runtime.activities WHERE id = @id", ("id", activity)),
            s => s is "completed" or "failed", TimeSpan.FromSeconds(60), "the delivery's activity to end");
        (await fixture.ScalarAsync<int>("SELECT attempts FROM runtime.activities WHERE id = @id", ("id", activity))).Should().Be(1);
        var logged = await Eventually.WaitAsync(
            async () => (await ceo.GetFromJsonAsync<JsonElement>($"/api/webhooks/{hookId}/deliveries")).EnumerateArray().Single(),
            d => d.GetProperty("finishedAt").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30), "the delivery to be finished");
        logged.GetProperty("status").GetString().Should().Be("failed");
        logged.GetProperty("attempts").GetInt32().Should().Be(1);
        logged.GetProperty("responseCode").ValueKind.Should().Be(JsonValueKind.Null);
        logged.GetProperty("error").GetString().Should().Contain("refused").And.Contain("localhost resolves to").And.Contain("127.0.0.1")
            .And.Contain("Fluid:Webhooks:AllowPrivateNetworks");
        Volatile.Read(ref connections).Should().Be(0, "the guard refuses before any connection is made");
        listener.Stop();
    }
}
