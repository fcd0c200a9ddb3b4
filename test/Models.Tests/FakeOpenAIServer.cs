using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluidManager.Models.Tests;

/// <summary>A reply the fake server gives: status, body, headers, and an optional delay before answering.</summary>
public sealed record FakeReply(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    public static FakeReply Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "server_error" } }, headers);
}

/// <summary>A request the fake server received: its path and query, body, <c>Authorization</c> and <c>api-key</c> headers.</summary>
public sealed record FakeRequest(string Path, JsonNode Body, string? Authorization, DateTimeOffset At)
{
    public string Query { get; init; } = "";

    public string? ApiKey { get; init; }
}

/// <summary>
/// An OpenAI-compatible server on Kestrel (127.0.0.1, random port) speaking chat completions and
/// embeddings, and Azure OpenAI's deployment path (<c>/openai/deployments/{deployment}/chat/completions?api-version=…</c>):
/// it answers queued replies first, then defaults (a text completion with usage; embeddings of
/// the requested size, as floats or base64 as asked), and records every request.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeReply> _chat = new();
    private readonly ConcurrentQueue<FakeReply> _embeddings = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();

    private FakeOpenAIServer(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The server's address without a path (the Azure OpenAI endpoint).</summary>
    public string Root { get; private set; } = "";

    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/v1/chat/completions", (HttpContext context) => server.AnswerAsync(context, server._chat, DefaultChat));
        app.MapPost("/v1/embeddings", (HttpContext context) => server.AnswerAsync(context, server._embeddings, DefaultEmbeddings));
        app.MapPost("/openai/deployments/{deployment}/chat/completions", (HttpContext context) => server.AnswerAsync(context, server._chat, DefaultChat));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Root = address.TrimEnd('/');
        server.BaseUrl = server.Root + "/v1";
        return server;
    }

    public void EnqueueChat(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _chat.Enqueue(reply);
        }
    }

    public void EnqueueEmbeddings(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _embeddings.Enqueue(reply);
        }
    }

    /// <summary>A chat completion body in the protocol's shape.</summary>
    public static JsonObject Completion(string? text, IEnumerable<(string Id, string Name, string Arguments)>? toolCalls = null, string finishReason = "stop", int promptTokens = 11, int completionTokens = 7, string model = "gpt-4o-mini")
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
        var calls = toolCalls?.ToList() ?? [];
        if (calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            })]);
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context, ConcurrentQueue<FakeReply> queue, Func<JsonNode, FakeReply> fallback)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) ?? new JsonObject();
        _requests.Enqueue(new FakeRequest(context.Request.Path, body, context.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow)
        {
            Query = context.Request.QueryString.Value ?? "",
            ApiKey = context.Request.Headers.TryGetValue("api-key", out var key) ? key.ToString() : null,
        });
        var reply = queue.TryDequeue(out var queued) ? queued : fallback(body);
        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (reply.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.Body.ToJsonString(), context.RequestAborted);
        }
    }

    private static FakeReply DefaultChat(JsonNode request) =>
        new(200, Completion("Hello from the fake server.", model: request["model"]?.GetValue<string>() ?? "gpt-4o-mini"));

    private static FakeReply DefaultEmbeddings(JsonNode request)
    {
        var inputs = request["input"] switch
        {
            JsonArray array => array.Select(i => i?.GetValue<string>() ?? "").ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        var dimensions = request["dimensions"]?.GetValue<int>() ?? 8;
        var base64 = request["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Enumerable.Range(0, dimensions).Select(d => (float)((inputs[i].Length + d + 1) % 7) / 7f).ToArray();
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()))
                : new JsonArray([.. vector.Select(v => (JsonNode)JsonValue.Create(v))]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var tokens = inputs.Sum(t => Math.Max(1, t.Length / 4));
        return new FakeReply(200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request["model"]?.GetValue<string>() ?? "text-embedding-3-small",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }
}
