using System.Text.RegularExpressions;

namespace FluidManager.Knowledge.Ingestion;

/// <summary>A passage of a document's text: <see cref="Start"/>..<see cref="End"/> in the extracted text, under its heading path.</summary>
internal sealed record TextChunk(int Ordinal, string Heading, string Content, int Start, int End);

/// <summary>
/// Splits extracted text into chunks that respect its structure: a Markdown heading starts a new
/// section (its path, such as "Guide › Install", is the chunk's heading, and no chunk spans two
/// sections); inside a section, paragraphs and then sentences are packed up to <c>maxChars</c>, and the
/// next chunk repeats the last whole sentences of the previous one up to <c>overlapChars</c>. Only a
/// sentence longer than a chunk is cut, at a word boundary. A list item or a table row (a line starting
/// with "|") starts a paragraph of its own. Line-oriented text (CSV rows, JSON values, spreadsheet rows)
/// packs whole lines instead of sentences, and reads headings only when asked to (a workbook's sheets).
/// </summary>
internal sealed partial class Chunker(int maxChars, int overlapChars)
{
    private const string PathSeparator = " › ";

    public IReadOnlyList<TextChunk> Split(string text, bool lineUnits = false, bool sections = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<TextChunk>();
        var headings = new List<(int Level, string Title)>();
        var section = new List<(int Start, int End)>();
        var paragraph = (Start: -1, End: -1);
        var inFence = false;
        var position = 0;

        void EndParagraph()
        {
            if (paragraph.Start >= 0)
            {
                section.AddRange(lineUnits ? [paragraph] : Sentences(text, paragraph.Start, paragraph.End));
                paragraph = (-1, -1);
            }
        }

        void EndSection()
        {
            EndParagraph();
            Pack(text, section, string.Join(PathSeparator, headings.Select(h => h.Title)), chunks);
            section.Clear();
        }

        while (position < text.Length)
        {
            var newline = text.IndexOf('\n', position);
            var lineEnd = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(position, lineEnd - position);
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```") || trimmed.StartsWith("~~~"))
            {
                inFence = !inFence;
            }

            var heading = inFence || (lineUnits && !sections) ? null : HeadingOf(line);
            if (heading is { } h)
            {
                EndSection();
                headings.RemoveAll(x => x.Level >= h.Level);
                headings.Add(h);
            }
            else if (trimmed.IsEmpty)
            {
                if (!inFence)
                {
                    EndParagraph();
                }
            }
            else
            {
                var start = position + (line.Length - line.TrimStart().Length);
                var end = position + line.TrimEnd().Length;
                var listItem = !inFence && ListItem().IsMatch(line);
                if (lineUnits || listItem)
                {
                    EndParagraph();
                }

                paragraph = paragraph.Start < 0 ? (start, end) : (paragraph.Start, end);
                if (lineUnits)
                {
                    EndParagraph();
                }
            }

            position = lineEnd + 1;
        }

        EndSection();
        return chunks;
    }

    private void Pack(string text, List<(int Start, int End)> units, string heading, List<TextChunk> chunks)
    {
        var pieces = new List<(int Start, int End)>();
        foreach (var unit in units)
        {
            pieces.AddRange(unit.End - unit.Start > maxChars ? Cut(text, unit.Start, unit.End) : [unit]);
        }

        var current = new List<(int Start, int End)>();
        foreach (var piece in pieces)
        {
            if (current.Count > 0 && piece.End - current[0].Start > maxChars)
            {
                Emit(text, current, heading, chunks);
                current = Overlap(current, piece);
            }

            current.Add(piece);
        }

        if (current.Count > 0)
        {
            Emit(text, current, heading, chunks);
        }
    }

    /// <summary>The last whole units of a full chunk that fit in the overlap and still leave room for the next unit.</summary>
    private List<(int Start, int End)> Overlap(List<(int Start, int End)> previous, (int Start, int End) next)
    {
        var kept = new List<(int Start, int End)>();
        for (var i = previous.Count - 1; i >= 1; i--)
        {
            var candidate = previous[i];
            if (previous[^1].End - candidate.Start > overlapChars || next.End - candidate.Start > maxChars)
            {
                break;
            }

            kept.Insert(0, candidate);
        }

        return kept;
    }

    private static void Emit(string text, List<(int Start, int End)> units, string heading, List<TextChunk> chunks)
    {
        var start = units[0].Start;
        var end = units[^1].End;
        chunks.Add(new TextChunk(chunks.Count, heading, text[start..end], start, end));
    }

    /// <summary>Sentences of a paragraph: a boundary is . ! or ? (with closing quotes or brackets) followed by white space.</summary>
    private static IEnumerable<(int Start, int End)> Sentences(string text, int start, int end)
    {
        var from = start;
        foreach (Match boundary in SentenceEnd().Matches(text[start..end]))
        {
            var stop = start + boundary.Index + boundary.Length;
            var sentenceEnd = stop;
            while (sentenceEnd > from && char.IsWhiteSpace(text[sentenceEnd - 1]))
            {
                sentenceEnd--;
            }

            if (sentenceEnd > from)
            {
                yield return (from, sentenceEnd);
            }

            from = stop;
            while (from < end && char.IsWhiteSpace(text[from]))
            {
                from++;
            }
        }

        if (from < end)
        {
            yield return (from, end);
        }
    }

    /// <summary>A unit longer than a chunk, cut before <c>maxChars</c> at the last white space (or hard when there is none).</summary>
    private IEnumerable<(int Start, int End)> Cut(string text, int start, int end)
    {
        var from = start;
        while (end - from > maxChars)
        {
            var limit = from + maxChars;
            var cut = text.LastIndexOf(' ', limit - 1, maxChars - 1);
            if (cut <= from + (maxChars / 2))
            {
                cut = limit;
            }

            var pieceEnd = cut;
            while (pieceEnd > from && char.IsWhiteSpace(text[pieceEnd - 1]))
            {
                pieceEnd--;
            }

            yield return (from, pieceEnd);
            from = cut;
            while (from < end && char.IsWhiteSpace(text[from]))
            {
                from++;
            }
        }

        if (from < end)
        {
            yield return (from, end);
        }
    }

    private static (int Level, string Title)? HeadingOf(ReadOnlySpan<char> line)
    {
        var match = Heading().Match(line.ToString());
        return match.Success ? (match.Groups[1].Length, match.Groups[2].Value.Trim()) : null;
    }

    [GeneratedRegex(@"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*(?:(?:[-*+]|\d{1,3}[.)])\s+|\|)")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"[.!?…]+[""'”’)\]]*\s+")]
    private static partial Regex SentenceEnd();
}
