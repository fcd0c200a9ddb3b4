using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace FluidManager.Knowledge.Ingestion;

/// <summary>
/// The text of a document, as chunked and cited: Markdown-style headings (<c># Title</c>) mark its sections.
/// Format is text, markdown, html, csv, json, pdf, docx or xlsx. With LineUnits each line is a record (CSV
/// rows, JSON values, spreadsheet rows): chunks never split or merge lines as sentences, and headings are
/// only read when <see cref="Sections"/> is set (a workbook's sheets).
/// </summary>
internal sealed record ExtractedText(string Text, string Format, bool LineUnits = false, bool Sections = false);

/// <summary>A document whose text cannot be read (unsupported format, no text, unreadable file): retrying will not help.</summary>
internal sealed class DocumentFormatException(string message) : Exception(message);

/// <summary>
/// Turns a document's bytes into text: plain text, Markdown, HTML, CSV, JSON, PDF (<see cref="PdfText"/>),
/// Word and Excel (<see cref="OfficeText"/>).
/// </summary>
internal static class TextExtractor
{
    public const string Text = "text";
    public const string Markdown = "markdown";
    public const string Html = "html";
    public const string Csv = "csv";
    public const string Json = "json";
    public const string Pdf = "pdf";
    public const string Docx = "docx";
    public const string Xlsx = "xlsx";

    /// <summary>The formats, as a sentence for error messages.</summary>
    public const string Supported = "text, Markdown, HTML, CSV, JSON, PDF, Word (.docx) or Excel (.xlsx)";

    /// <summary>The format, from the media type, else the file extension, else the content itself.</summary>
    public static string? DetectFormat(ReadOnlySpan<byte> bytes, string? contentType, string? name)
    {
        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var extension = Path.GetExtension(name ?? "").ToLowerInvariant();
        var byMedia = media switch
        {
            "text/html" or "application/xhtml+xml" => Html,
            "text/markdown" or "text/x-markdown" => Markdown,
            "text/csv" or "application/csv" or "text/comma-separated-values" => Csv,
            "application/json" or "text/json" => Json,
            _ when media.EndsWith("+json", StringComparison.Ordinal) => Json,
            "application/pdf" => Pdf,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Docx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Xlsx,
            // Not application/vnd.ms-excel: Windows browsers send it for .csv files too; the extension decides.
            _ => null,
        };
        if (byMedia is not null)
        {
            return byMedia;
        }

        var byExtension = extension switch
        {
            ".html" or ".htm" or ".xhtml" => Html,
            ".md" or ".markdown" or ".mdown" => Markdown,
            ".csv" => Csv,
            ".json" => Json,
            ".pdf" => Pdf,
            ".docx" or ".doc" => Docx, // a .doc is refused with the reason (the older binary format)
            ".xlsx" or ".xls" => Xlsx,
            ".txt" or ".text" or ".log" => Text,
            _ => null,
        };
        if (byExtension is not null)
        {
            return byExtension;
        }

        if (bytes.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        if (bytes.StartsWith("PK\u0003\u0004"u8) && OfficePackage(bytes) is { } office)
        {
            return office;
        }

        if (bytes[..Math.Min(bytes.Length, 8000)].Contains((byte)0))
        {
            return null; // binary
        }

        if (media.StartsWith("text/", StringComparison.Ordinal))
        {
            return Text;
        }

        var head = Decode(bytes[..Math.Min(bytes.Length, 2048)], null).TrimStart().ToLowerInvariant();
        if (head.StartsWith("<!doctype html", StringComparison.Ordinal) || head.StartsWith("<html", StringComparison.Ordinal) || head.Contains("<body", StringComparison.Ordinal))
        {
            return Html;
        }

        return head.StartsWith('{') || head.StartsWith('[') ? Json : Text;
    }

    public static ExtractedText Extract(byte[] bytes, string? contentType, string? name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var format = DetectFormat(bytes, contentType, name)
            ?? throw new DocumentFormatException($"'{name}' ({contentType}) is not a supported document: upload {Supported}.");
        var extracted = format switch
        {
            Pdf => new ExtractedText(PdfText.ToText(bytes, name), Pdf),
            Docx => new ExtractedText(OfficeText.WordToText(bytes, name), Docx),
            Xlsx => new ExtractedText(OfficeText.SpreadsheetToText(bytes, name), Xlsx, LineUnits: true, Sections: true),
            Html => new ExtractedText(HtmlText.ToText(Decode(bytes, Charset(contentType))), Html),
            Csv => new ExtractedText(CsvToText(Decode(bytes, Charset(contentType))), Csv, LineUnits: true),
            Json => new ExtractedText(JsonToText(Decode(bytes, Charset(contentType))), Json, LineUnits: true),
            _ => new ExtractedText(Normalise(Decode(bytes, Charset(contentType))), format),
        };
        return string.IsNullOrWhiteSpace(extracted.Text)
            ? throw new DocumentFormatException($"'{name}' contains no text.")
            : extracted with { Text = extracted.Text.Trim('\n') };
    }

    /// <summary>A zip file that is a Word or Excel package, by the part it holds; null for any other zip or a damaged one.</summary>
    private static string? OfficePackage(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes.ToArray(), writable: false), ZipArchiveMode.Read);
            return zip.GetEntry("word/document.xml") is not null ? Docx : zip.GetEntry("xl/workbook.xml") is not null ? Xlsx : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Bytes to text: a byte-order mark or the declared charset wins; otherwise UTF-8, or Latin-1 when the bytes are not UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? charset)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes[2..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        }

        if (charset is { Length: > 0 } && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Encoding.GetEncoding(charset).GetString(bytes);
            }
            catch (ArgumentException)
            {
                // an encoding this runtime does not know: guess below
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>Unix newlines, no control characters but tab and newline, no trailing spaces.</summary>
    public static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
        {
            foreach (var c in line.AsSpan().TrimEnd())
            {
                if (c == '\t' || !char.IsControl(c))
                {
                    builder.Append(c);
                }
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    private static string? Charset(string? contentType)
    {
        foreach (var part in (contentType ?? "").Split(';').Skip(1))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return pair[1].Trim().Trim('"');
            }
        }

        return null;
    }

    /// <summary>One line per record: "column: value; column: value", the header giving the names.</summary>
    private static string CsvToText(string csv)
    {
        var records = ParseCsv(csv);
        if (records.Count == 0)
        {
            return "";
        }

        var header = records[0].Select((h, i) => string.IsNullOrWhiteSpace(h) ? $"column {i + 1}" : Clean(h)).ToList();
        var builder = new StringBuilder();
        foreach (var record in records.Skip(1))
        {
            var fields = record.Select((value, i) => (Name: i < header.Count ? header[i] : $"column {i + 1}", Value: Clean(value)))
                .Where(f => f.Value.Length > 0)
                .Select(f => $"{f.Name}: {f.Value}");
            var line = string.Join("; ", fields);
            if (line.Length > 0)
            {
                builder.Append(line).Append('\n');
            }
        }

        return builder.ToString();

        static string Clean(string value) => string.Join(' ', value.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines. A semicolon header without commas switches the separator.</summary>
    internal static List<List<string>> ParseCsv(string text)
    {
        var firstLine = text.AsSpan(0, Math.Max(0, text.IndexOf('\n') is var n and >= 0 ? n : text.Length));
        var separator = !firstLine.Contains(',') && firstLine.Contains(';') ? ';' : !firstLine.Contains(',') && firstLine.Contains('\t') ? '\t' : ',';
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                if (record.Any(f => f.Length > 0))
                {
                    records.Add(record);
                }

                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        record.Add(field.ToString());
        if (record.Any(f => f.Length > 0))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>One line per value: "path.to[2].key: value".</summary>
    private static string JsonToText(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new DocumentFormatException($"The JSON cannot be read: {ex.Message}");
        }

        using (document)
        {
            var builder = new StringBuilder();
            Flatten(document.RootElement, "", builder);
            return builder.ToString();
        }
    }

    private static void Flatten(JsonElement element, string path, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", builder);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]", builder);
                    index++;
                }

                break;
            case JsonValueKind.String:
                var text = string.Join(' ', element.GetString()!.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
                if (text.Length > 0)
                {
                    builder.Append(path.Length == 0 ? "value" : path).Append(": ").Append(text).Append('\n');
                }

                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                builder.Append(path.Length == 0 ? "value" : path).Append(": ").Append(element.GetRawText()).Append('\n');
                break;
        }
    }
}
