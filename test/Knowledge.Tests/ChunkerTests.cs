using FluidManager.Knowledge.Ingestion;

namespace FluidManager.Knowledge.Tests;

public sealed class ChunkerTests
{
    [Fact]
    public void Each_heading_starts_a_section_whose_path_is_the_chunk_heading()
    {
        var chunks = new Chunker(1200, 200).Split(Samples.RefundPolicy);

        chunks.Select(c => c.Heading).Should().Equal("Refund policy", "Refund policy › Exceptions", "Refund policy › Escalation");
        chunks[1].Content.Should().Be("Gift cards are never refunded. Orders cancelled before shipping are refunded at once.");
        chunks.Select(c => c.Ordinal).Should().Equal(0, 1, 2);
    }

    [Fact]
    public void Offsets_point_at_the_chunk_in_the_extracted_text()
    {
        var chunks = new Chunker(1200, 200).Split(Samples.RefundPolicy);

        chunks.Should().OnlyContain(c => Samples.RefundPolicy.Substring(c.Start, c.End - c.Start) == c.Content);
    }

    [Fact]
    public void Long_sections_are_cut_between_sentences_and_the_next_chunk_repeats_the_last_ones()
    {
        var sentences = Enumerable.Range(1, 40).Select(i => $"Sentence number {i} talks about topic {i % 7} in some detail.").ToList();
        var text = "# Long\n\n" + string.Join(' ', sentences);

        var chunks = new Chunker(300, 120).Split(text);

        chunks.Should().HaveCountGreaterThan(5);
        chunks.Should().OnlyContain(c => c.Content.Length <= 300);
        chunks.Should().OnlyContain(c => c.Content.StartsWith("Sentence number", StringComparison.Ordinal) && c.Content.EndsWith("detail.", StringComparison.Ordinal));
        for (var i = 1; i < chunks.Count; i++)
        {
            chunks[i].Start.Should().BeLessThan(chunks[i - 1].End, "consecutive chunks of a section overlap");
            (chunks[i - 1].End - chunks[i].Start).Should().BeLessThanOrEqualTo(120);
        }

        string.Join(' ', chunks.Select(c => c.Content)).Should().Contain(sentences[^1]);
        sentences.Should().OnlyContain(s => chunks.Any(c => c.Content.Contains(s, StringComparison.Ordinal)), "no sentence is lost or cut");
    }

    [Fact]
    public void No_chunk_spans_two_sections_and_overlap_never_crosses_a_heading()
    {
        var text = "# A\n\n" + string.Join(' ', Enumerable.Repeat("Alpha beta gamma delta.", 30)) + "\n\n# B\n\nOnly B here.";

        var chunks = new Chunker(250, 100).Split(text);

        chunks.Last().Should().Match<TextChunk>(c => c.Heading == "B" && c.Content == "Only B here.");
        chunks.Where(c => c.Heading == "A").Should().OnlyContain(c => !c.Content.Contains("Only B", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sentence_longer_than_a_chunk_is_cut_at_word_boundaries()
    {
        var text = string.Join(' ', Enumerable.Range(1, 200).Select(i => "word" + i));

        var chunks = new Chunker(200, 50).Split(text);

        chunks.Should().OnlyContain(c => c.Content.Length <= 200 && !c.Content.StartsWith(' ') && !c.Content.EndsWith(' '));
        chunks.SelectMany(c => c.Content.Split(' ')).Should().OnlyContain(w => w.StartsWith("word", StringComparison.Ordinal) && w.Length > 4);
    }

    [Fact]
    public void Line_units_pack_whole_lines()
    {
        var lines = Enumerable.Range(1, 30).Select(i => $"sku: A-{i}; name: Item {i}. With a dot; price: {i}.00").ToList();

        var chunks = new Chunker(200, 60).Split(string.Join('\n', lines), lineUnits: true);

        chunks.Should().OnlyContain(c => c.Content.Split('\n').All(l => lines.Contains(l)));
    }

    [Fact]
    public void Headings_inside_code_fences_are_text()
    {
        var chunks = new Chunker(1200, 200).Split("# Setup\n\n```bash\n# install\napt-get install x\n```\n");

        chunks.Should().ContainSingle().Which.Heading.Should().Be("Setup");
        chunks[0].Content.Should().Contain("# install");
    }
}
