using System.Diagnostics;
using FluidManager.Knowledge.Ingestion;
using FluidManager.Models.Embeddings;
using Microsoft.Extensions.AI;

namespace FluidManager.Knowledge.Harness;

/// <summary>MiniLM's throughput, and hit@5 of MiniLM and of the hashing model on <see cref="LabelledQuestions"/>.</summary>
internal static class ModelBench
{
    public sealed record Figures(string Model, int Sentences, double LoadSeconds, double PerSecond, double SemanticHitAt5, double HashingHitAt5);

    public static async Task<Figures> RunAsync()
    {
        using var miniLM = new MiniLMEmbeddingModel();
        using var hashing = new HashingEmbeddingModel();

        var load = Stopwatch.StartNew();
        await miniLM.EmbedAsync("warm-up", CancellationToken.None);
        var loadSeconds = load.Elapsed.TotalSeconds;

        // Sentence-length texts, each different: the labelled documents and questions, numbered.
        var sentences = Enumerable.Range(0, 8)
            .SelectMany(round => LabelledQuestions.Items.SelectMany(i => new[] { $"{i.Text} ({round})", $"{i.Question} ({round})" }))
            .ToList();
        var clock = Stopwatch.StartNew();
        await miniLM.EmbedAsync(sentences, CancellationToken.None);
        var perSecond = sentences.Count / clock.Elapsed.TotalSeconds;

        return new Figures(EmbeddingModels.MiniLM, sentences.Count, loadSeconds, perSecond, await HitAt5Async(miniLM), await HitAt5Async(hashing));
    }

    /// <summary>The share of questions whose document is among the 5 nearest of the 30 (cosine, as the index ranks them).</summary>
    private static async Task<double> HitAt5Async(IEmbeddingGenerator<string, Embedding<float>> model)
    {
        var items = LabelledQuestions.Items;
        var documents = await model.EmbedAsync(items.Select(i => IngestActivity.EmbeddingText(i.Title, i.Text)).ToList(), CancellationToken.None);
        var questions = await model.EmbedAsync(items.Select(i => i.Question).ToList(), CancellationToken.None);
        var hits = 0;
        for (var q = 0; q < questions.Count; q++)
        {
            var nearest = Enumerable.Range(0, documents.Count).OrderByDescending(d => Cosine(questions[q], documents[d])).Take(5);
            hits += nearest.Contains(q) ? 1 : 0;
        }

        return hits / (double)questions.Count;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, l = 0, r = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            l += a[i] * a[i];
            r += b[i] * b[i];
        }

        return l == 0 || r == 0 ? 0 : dot / Math.Sqrt(l * r);
    }
}
