using FluidManager.Models.Embeddings;

namespace FluidManager.Models.Tests;

public sealed class EmbeddingTests
{
    private static double Cosine(float[] a, float[] b) => EmbeddingModelExtensions.Cosine(a, b);

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
    public async Task Vectors_have_the_configured_dimensions_and_unit_length(int dimensions)
    {
        var model = new HashingEmbeddingModel(dimensions);

        var result = await model.EmbedAsync(["one text", "", "another, longer text about budgets"], CancellationToken.None);

        result.Model.Should().Be("offline");
        result.Vectors.Should().HaveCount(3).And.AllSatisfy(v =>
        {
            v.Should().HaveCount(dimensions);
            Math.Sqrt(v.Sum(x => (double)x * x)).Should().BeApproximately(1, 1e-5);
        });
        result.Usage.InputTokens.Should().Be(TokenEstimator.Count("one text") + TokenEstimator.Count("another, longer text about budgets"));
    }

    [Fact]
    public void Similar_texts_are_closer_than_unrelated_ones()
    {
        var model = new HashingEmbeddingModel();
        var query = model.Embed("How do I reset my account password?");
        var similar = model.Embed("Steps to reset the password of your account");
        var unrelated = model.Embed("The quarterly marketing budget for trade shows");

        Cosine(query, similar).Should().BeGreaterThan(0.4);
        Cosine(query, similar).Should().BeGreaterThan(Cosine(query, unrelated) + 0.3);
    }
}
