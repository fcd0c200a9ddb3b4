using System.Globalization;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace FluidManager.Knowledge.Ingestion;

/// <summary>
/// The text of a PDF, page by page (PdfPig): words are grouped into blocks and put in reading order,
/// blocks become paragraphs, and one or two lines set in a larger type than the body text become a
/// Markdown heading (the larger the type, the higher the level). Every page starts with a <c>###### Page N</c>
/// heading, repeated after each heading found on the page, so every chunk's heading path ends with its
/// page. An encrypted or unreadable file throws <see cref="DocumentFormatException"/> naming it.
/// </summary>
internal static class PdfText
{
    /// <summary>The level of the page headings: below every heading found in the document.</summary>
    private const int PageLevel = 6;

    /// <summary>A block in a type at least this much larger than the body text may be a heading.</summary>
    private const double HeadingRatio = 1.15;

    private const int MaxHeadingChars = 120;

    public static string ToText(byte[] bytes, string? name)
    {
        List<PageBlocks> pages;
        try
        {
            using var document = PdfDocument.Open(bytes, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            pages = [.. document.GetPages().Select(page => new PageBlocks(page.Number, Blocks(page)))];
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new DocumentFormatException($"'{name}' is an encrypted PDF: its text cannot be read without the password (save an unprotected copy to index it).");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new DocumentFormatException($"'{name}' is not a readable PDF: {ex.Message}");
        }

        return pages.All(p => p.Blocks.Count == 0)
            ? throw new DocumentFormatException($"'{name}' has no text layer (a scanned PDF needs text recognition before it can be indexed).")
            : Write(pages);
    }

    /// <summary>The page's text blocks in reading order, each a list of lines with the average size of their letters.</summary>
    private static List<List<Line>> Blocks(UglyToad.PdfPig.Content.Page page)
    {
        var words = page.GetWords(NearestNeighbourWordExtractor.Instance).Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        var result = new List<List<Line>>();
        foreach (var block in UnsupervisedReadingOrderDetector.Instance.Get(DocstrumBoundingBoxes.Instance.GetBlocks(words)))
        {
            var lines = new List<Line>();
            foreach (var line in block.TextLines)
            {
                var letters = line.Words.SelectMany(w => w.Letters).Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
                var text = line.Text.Trim();
                if (text.Length > 0 && letters.Count > 0)
                {
                    lines.Add(new Line(text, Math.Round(letters.Average(l => l.PointSize) * 2) / 2, letters.Count));
                }
            }

            if (lines.Count > 0)
            {
                result.Add(lines);
            }
        }

        return result;
    }

    /// <summary>
    /// The pages as Markdown. Within a block, a run of at most two lines in a type larger than the body
    /// text (the size most letters are set in) is a heading; the other runs are paragraphs.
    /// </summary>
    private static string Write(List<PageBlocks> pages)
    {
        var lines = pages.SelectMany(p => p.Blocks).SelectMany(b => b).ToList();
        var body = lines.GroupBy(l => l.Size).OrderByDescending(g => g.Sum(l => l.Letters)).Select(g => g.Key).FirstOrDefault();
        bool Large(Line line) => body > 0 && line.Size >= body * HeadingRatio;
        var runs = pages.ToDictionary(p => p.Number, p => p.Blocks.Select(Runs).ToList());
        var levels = runs.Values.SelectMany(b => b).SelectMany(r => r).Where(r => r.Heading).Select(r => r.Size).Distinct().OrderDescending()
            .Select((size, i) => (size, level: Math.Min(i + 1, PageLevel - 1))).ToDictionary(x => x.size, x => x.level);

        var builder = new StringBuilder();
        foreach (var page in pages)
        {
            var marker = new string('#', PageLevel) + " Page " + page.Number.ToString(CultureInfo.InvariantCulture) + "\n\n";
            builder.Append(marker);
            foreach (var run in runs[page.Number].SelectMany(r => r))
            {
                if (run.Heading)
                {
                    builder.Append('#', levels[run.Size]).Append(' ').Append(run.Text.ReplaceLineEndings(" ")).Append("\n\n").Append(marker);
                }
                else
                {
                    builder.Append(run.Text).Append("\n\n");
                }
            }
        }

        return TextExtractor.Normalise(builder.ToString());

        List<Run> Runs(List<Line> block)
        {
            var result = new List<Run>();
            var start = 0;
            for (var i = 1; i <= block.Count; i++)
            {
                if (i < block.Count && Large(block[i]) == Large(block[start]) && (!Large(block[i]) || block[i].Size == block[start].Size))
                {
                    continue;
                }

                var run = block[start..i];
                var text = JoinLines(run.Select(l => l.Text).ToList());
                var heading = Large(block[start]) && run.Count <= 2 && text.Length <= MaxHeadingChars && text.Any(char.IsLetter);
                result.Add(new Run(text, heading, block[start].Size));
                start = i;
            }

            return result;
        }
    }

    /// <summary>The lines of a block, a word hyphenated across a line break joined again.</summary>
    private static string JoinLines(List<string> lines)
    {
        var builder = new StringBuilder(lines[0]);
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (builder.Length > 1 && builder[^1] == '-' && char.IsLetter(builder[^2]) && char.IsLower(line[0]))
            {
                builder.Length--;
            }
            else
            {
                builder.Append('\n');
            }

            builder.Append(line);
        }

        return builder.ToString();
    }

    private sealed record Line(string Text, double Size, int Letters);

    private sealed record Run(string Text, bool Heading, double Size);

    private sealed record PageBlocks(int Number, List<List<Line>> Blocks);
}
