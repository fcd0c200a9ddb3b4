using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FluidManager.Models.Embeddings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// An embeddings endpoint speaking the OpenAI protocol (<c>POST /v1/embeddings</c>) on a free local port:
/// the outside world's edge. Its vectors are word-hashing vectors of the requested dimension (so texts that
/// share words are close), as floats or base64 as asked.
/// </summary>
public sealed class FakeEmbeddingServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<JsonNode> _requests = new();
    private WebApplication _app = null!;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<JsonNode> Requests => [.. _requests];

    public static async Task<FakeEmbeddingServer> StartAsync()
    {
        var server = new FakeEmbeddingServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/v1/embeddings", server.AnswerAsync);
        await app.StartAsync();
        server._app = app;
        server.BaseUrl = app.Urls.First() + "/v1";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) ?? new JsonObject();
        _requests.Enqueue(request);
        var inputs = request["input"] switch
        {
            JsonArray array => array.Select(i => i?.GetValue<string>() ?? "").ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        var model = new HashingEmbeddingModel(request["dimensions"]?.GetValue<int>() ?? 1536);
        var base64 = request["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = model.Embed(inputs[i]);
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()))
                : new JsonArray([.. vector.Select(v => (JsonNode)JsonValue.Create(v))]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var tokens = inputs.Sum(t => Math.Max(1, t.Length / 4));
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request["model"]?.GetValue<string>() ?? "text-embedding-3-large",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }.ToJsonString(), context.RequestAborted);
    }
}
