using System.Diagnostics;
using FluidManager.Models.Embeddings;

namespace FluidManager.Models.Tests;

public sealed class EmbeddingTests
{
    private static double Cosine(float[] a, float[] b)
    {
        a.Should().HaveSameCount(b);
        double dot = 0, l = 0, r = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            l += a[i] * a[i];
            r += b[i] * b[i];
        }

        return dot / Math.Sqrt(l * r);
    }

    [Fact]
    public async Task Same_text_gets_the_same_vector_in_any_instance()
    {
        var text = "Quarterly revenue grew thanks to the new pricing.";

        var first = await new HashingEmbeddingModel().EmbedAsync(text, CancellationToken.None);
        var second = await new HashingEmbeddingModel().EmbedAsync(text, CancellationToken.None);

        second.Should().Equal(first);
    }

    [Fact]
    public void Vectors_are_stable_across_processes()
    {
        // Pinned values: a change here means stored vectors would no longer match new ones.
        var vector = new HashingEmbeddingModel(8).Embed("invoice");

        vector.Count(v => v != 0).Should().Be(1);
        Math.Abs(vector.Single(v => v != 0)).Should().BeApproximately(1f, 1e-6f);
        var expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(System.Security.Cryptography.SHA256.HashData("w:invoice"u8)) % 8;
        Array.IndexOf(vector, vector.Single(v => v != 0)).Should().Be((int)expected);
    }

    [Theory]
    [InlineData(384)]
    [InlineData(1536)]
    [InlineData(16)]
    public async Task Hashing_vectors_have_the_configured_dimensions_and_unit_length(int dimensions)
    {
        IEmbeddingGenerator<string, Embedding<float>> model = new HashingEmbeddingModel(dimensions);

        var result = await model.GenerateAsync(["one text", "", "another, longer text about budgets"]);

        model.ModelId().Should().Be("offline:hashing");
        model.Dimensions().Should().Be(dimensions);
        result.Should().HaveCount(3).And.AllSatisfy(e =>
        {
            e.Vector.Length.Should().Be(dimensions);
            e.ModelId.Should().Be("offline:hashing");
            Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x)).Should().BeApproximately(1, 1e-5);
        });
        result.Usage!.InputTokenCount.Should().Be(TokenEstimator.Count("one text") + TokenEstimator.Count("another, longer text about budgets"));
    }

    [Fact]
    public void Hashing_puts_texts_that_share_words_closer_than_unrelated_ones()
    {
        var model = new HashingEmbeddingModel();
        var query = model.Embed("How do I reset my account password?");
        var similar = model.Embed("Steps to reset the password of your account");
        var unrelated = model.Embed("The quarterly marketing budget for trade shows");

        Cosine(query, similar).Should().BeGreaterThan(0.4);
        Cosine(query, similar).Should().BeGreaterThan(Cosine(query, unrelated) + 0.3);
    }

    [Fact]
    public async Task MiniLM_puts_a_paraphrase_closer_than_an_unrelated_sentence_where_hashing_cannot()
    {
        IEmbeddingGenerator<string, Embedding<float>> model = new MiniLMEmbeddingModel();
        string[] texts = ["quarterly sales report due Friday", "Q3 revenue summary end of week", "the cat sat on the warm windowsill"];

        var vectors = await model.EmbedAsync(texts, CancellationToken.None);
        var hashing = await new HashingEmbeddingModel().EmbedAsync(texts, CancellationToken.None);

        var paraphrase = Cosine(vectors[0], vectors[1]);
        var unrelated = Cosine(vectors[0], vectors[2]);
        paraphrase.Should().BeGreaterThan(unrelated + 0.15, "MiniLM knows that sales and revenue, Friday and end of week, are related ({0:0.000} vs {1:0.000})", paraphrase, unrelated);
        Cosine(hashing[0], hashing[1]).Should().BeApproximately(0, 0.2, "the two texts share no word, so feature hashing sees nothing in common");
    }

    [Fact]
    public async Task MiniLM_vectors_are_384_long_unit_length_and_the_same_for_the_same_text()
    {
        IEmbeddingGenerator<string, Embedding<float>> model = new MiniLMEmbeddingModel();
        var long_ = string.Join(' ', Enumerable.Repeat("The board approved the budget for the new office in Lisbon.", 80));

        var result = await model.GenerateAsync(["Quarterly revenue grew.", "", long_, "Quarterly revenue grew."]);

        model.ModelId().Should().Be("offline:minilm");
        model.Dimensions().Should().Be(384);
        result.Should().HaveCount(4).And.AllSatisfy(e =>
        {
            e.Vector.Length.Should().Be(384);
            Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x)).Should().BeApproximately(1, 1e-3);
        });
        result[3].Vector.ToArray().Should().Equal(result[0].Vector.ToArray());
    }

    [Fact]
    public async Task MiniLM_is_loaded_once_and_shared_by_concurrent_callers()
    {
        var models = Enumerable.Range(0, 4).Select(_ => new MiniLMEmbeddingModel()).ToList();

        var clock = Stopwatch.StartNew();
        var vectors = await Task.WhenAll(models.Select((m, i) => m.EmbedAsync($"text number {i % 2}", CancellationToken.None)));

        MiniLMEmbeddingModel.Loaded.Should().BeTrue();
        vectors[2].Should().Equal(vectors[0]);
        vectors[3].Should().Equal(vectors[1]);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
    }
}
