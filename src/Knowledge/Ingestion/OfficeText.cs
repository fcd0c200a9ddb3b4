using System.Globalization;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using Spreadsheet = DocumentFormat.OpenXml.Spreadsheet;
using Word = DocumentFormat.OpenXml.Wordprocessing;

namespace FluidManager.Knowledge.Ingestion;

/// <summary>
/// The text of Word (.docx) and Excel (.xlsx) documents (Open XML SDK). Word: paragraphs in document
/// order, those in a heading style (Title, Heading 1-9, or any style with an outline level) become
/// Markdown headings, list paragraphs become "- " lines, and each table row becomes a line of cells
/// joined by " | ". Excel: each worksheet becomes a section headed by its name, each row a line of
/// cells joined by " | " (shared strings resolved, dates as ISO dates). A password-protected or
/// damaged file throws <see cref="DocumentFormatException"/> naming it and the problem.
/// </summary>
internal static class OfficeText
{
    /// <summary>The signature of an OLE compound file: how Office stores a password-protected .docx or .xlsx (or a legacy .doc or .xls).</summary>
    private static ReadOnlySpan<byte> CompoundFile => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>The stream name, in UTF-16, that holds an encrypted Open XML package inside a compound file.</summary>
    private static readonly byte[] EncryptedPackage = Encoding.Unicode.GetBytes("EncryptedPackage");

    public static bool IsCompoundFile(ReadOnlySpan<byte> bytes) => bytes.StartsWith(CompoundFile);

    public static string WordToText(byte[] bytes, string? name)
    {
        Refuse(bytes, name, "Word", ".doc");
        try
        {
            using var document = WordprocessingDocument.Open(new MemoryStream(bytes, writable: false), false);
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new DocumentFormatException($"'{name}' is not a readable Word document: it has no document body.");
            var styles = new WordStyles(document.MainDocumentPart!.StyleDefinitionsPart?.Styles);
            var builder = new StringBuilder();
            WriteBlocks(body, styles, builder);
            return TextExtractor.Normalise(builder.ToString());
        }
        catch (Exception ex) when (IsDamaged(ex))
        {
            throw new DocumentFormatException($"'{name}' is not a readable Word document: {ex.Message}");
        }
    }

    public static string SpreadsheetToText(byte[] bytes, string? name)
    {
        Refuse(bytes, name, "Excel", ".xls");
        try
        {
            using var document = SpreadsheetDocument.Open(new MemoryStream(bytes, writable: false), false);
            var workbook = document.WorkbookPart
                ?? throw new DocumentFormatException($"'{name}' is not a readable Excel workbook: it has no workbook part.");
            var cells = new CellText(workbook);
            var builder = new StringBuilder();
            foreach (var sheet in workbook.Workbook?.Sheets?.Elements<Spreadsheet.Sheet>() ?? [])
            {
                if (sheet.Id?.Value is { } id && workbook.GetPartById(id) is WorksheetPart part)
                {
                    WriteSheet(sheet.Name?.Value ?? id, part, cells, builder);
                }
            }

            return builder.ToString();
        }
        catch (Exception ex) when (IsDamaged(ex))
        {
            throw new DocumentFormatException($"'{name}' is not a readable Excel workbook: {ex.Message}");
        }
    }

    /// <summary>A compound file where an Open XML package is expected: password-protected, or the older binary format.</summary>
    private static void Refuse(byte[] bytes, string? name, string application, string legacyExtension)
    {
        if (!IsCompoundFile(bytes))
        {
            return;
        }

        throw bytes.AsSpan().IndexOf(EncryptedPackage) >= 0
            ? new DocumentFormatException($"'{name}' is a password-protected {application} file: remove its password (save an unprotected copy) and upload it again.")
            : new DocumentFormatException($"'{name}' is in the older binary {application} format ({legacyExtension}): save it in the current format and upload it again.");
    }

    /// <summary>What a damaged package throws: not a zip, missing or invalid parts, malformed XML.</summary>
    private static bool IsDamaged(Exception exception) =>
        exception is OpenXmlPackageException or InvalidDataException or FileFormatException or XmlException or InvalidOperationException or ArgumentException or KeyNotFoundException;

    private static void WriteBlocks(OpenXmlElement container, WordStyles styles, StringBuilder builder)
    {
        foreach (var element in container.ChildElements)
        {
            switch (element)
            {
                case Word.Paragraph paragraph:
                    WriteParagraph(paragraph, styles, builder);
                    break;
                case Word.Table table:
                    WriteTable(table, builder);
                    break;
                case Word.SectionProperties:
                    break;
                default:
                    // Content controls, custom XML and the like hold paragraphs and tables of their own.
                    WriteBlocks(element, styles, builder);
                    break;
            }
        }
    }

    private static void WriteParagraph(Word.Paragraph paragraph, WordStyles styles, StringBuilder builder)
    {
        var text = ParagraphText(paragraph).Trim();
        if (text.Length == 0)
        {
            return;
        }

        var properties = paragraph.ParagraphProperties;
        var level = styles.HeadingLevel(properties);
        if (level > 0)
        {
            builder.Append('#', level).Append(' ').Append(text.ReplaceLineEndings(" ")).Append("\n\n");
        }
        else if (properties?.NumberingProperties is not null || styles.IsList(properties?.ParagraphStyleId?.Val?.Value))
        {
            builder.Append("- ").Append(text).Append('\n');
        }
        else
        {
            builder.Append(text).Append("\n\n");
        }
    }

    /// <summary>The visible text of a paragraph: runs, tabs and line breaks; deleted text and field codes are not text.</summary>
    private static string ParagraphText(OpenXmlElement paragraph)
    {
        var builder = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Word.Text text:
                    builder.Append(text.Text);
                    break;
                case Word.TabChar or Word.PositionalTab:
                    builder.Append('\t');
                    break;
                case Word.Break or Word.CarriageReturn:
                    builder.Append('\n');
                    break;
                case Word.NoBreakHyphen:
                    builder.Append('-');
                    break;
            }
        }

        return builder.ToString();
    }

    private static void WriteTable(Word.Table table, StringBuilder builder)
    {
        builder.Append('\n');
        foreach (var row in table.Elements<Word.TableRow>())
        {
            var cells = row.Elements<Word.TableCell>()
                .Select(cell => string.Join(' ', cell.Descendants<Word.Paragraph>().Select(p => ParagraphText(p).Trim()).Where(t => t.Length > 0)))
                .Select(Clean)
                .ToList();
            if (cells.Any(c => c.Length > 0))
            {
                builder.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
            }
        }

        builder.Append('\n');
    }

    private static void WriteSheet(string name, WorksheetPart part, CellText cells, StringBuilder builder)
    {
        var rows = new List<string>();
        using (var reader = OpenXmlReader.Create(part))
        {
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Spreadsheet.Row) || !reader.IsStartElement)
                {
                    continue;
                }

                var row = (Spreadsheet.Row)reader.LoadCurrentElement()!;
                var values = new List<string>();
                foreach (var cell in row.Elements<Spreadsheet.Cell>())
                {
                    var column = ColumnIndex(cell.CellReference?.Value) ?? values.Count;
                    while (values.Count < column)
                    {
                        values.Add("");
                    }

                    values.Add(Clean(cells.Text(cell)));
                }

                while (values.Count > 0 && values[^1].Length == 0)
                {
                    values.RemoveAt(values.Count - 1);
                }

                if (values.Count > 0)
                {
                    rows.Add("| " + string.Join(" | ", values) + " |");
                }
            }
        }

        if (rows.Count > 0)
        {
            builder.Append("# ").Append(Clean(name)).Append("\n\n");
            foreach (var row in rows)
            {
                builder.Append(row).Append('\n');
            }

            builder.Append('\n');
        }
    }

    /// <summary>The zero-based column of a reference such as "C7", or null when there is none.</summary>
    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var column = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
            {
                break;
            }

            column = (column * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return column == 0 ? null : Math.Min(column - 1, 16_383);
    }

    /// <summary>One line: white space runs become one space, and a pipe inside a cell is escaped (\|) so it is not taken for a separator.</summary>
    private static string Clean(string value) =>
        string.Join(' ', value.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Heading and list styles of a Word document, following each style's basedOn chain.</summary>
    private sealed class WordStyles(Word.Styles? styles)
    {
        private readonly Dictionary<string, Word.Style> _byId = styles?.Elements<Word.Style>()
            .Where(s => s.StyleId?.Value is not null)
            .GroupBy(s => s.StyleId!.Value!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase) ?? [];

        /// <summary>1-6 for a heading (Title is 1, Heading n is n, an outline level n is n + 1), 0 otherwise.</summary>
        public int HeadingLevel(Word.ParagraphProperties? properties)
        {
            if (properties?.OutlineLevel?.Val?.Value is int outline && outline < 9)
            {
                return Math.Min(outline + 1, 6);
            }

            foreach (var style in Chain(properties?.ParagraphStyleId?.Val?.Value))
            {
                var name = style.StyleName?.Val?.Value ?? style.StyleId?.Value ?? "";
                if (name.Equals("Title", StringComparison.OrdinalIgnoreCase))
                {
                    return 1;
                }

                if (name.StartsWith("heading ", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(name.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 9)
                {
                    return Math.Min(n, 6);
                }

                if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is int level && level < 9)
                {
                    return Math.Min(level + 1, 6);
                }
            }

            return 0;
        }

        public bool IsList(string? styleId) =>
            Chain(styleId).Any(s => s.StyleParagraphProperties?.NumberingProperties is not null
                || (s.StyleName?.Val?.Value ?? "").StartsWith("List", StringComparison.OrdinalIgnoreCase));

        private IEnumerable<Word.Style> Chain(string? styleId)
        {
            for (var depth = 0; styleId is not null && depth < 16 && _byId.TryGetValue(styleId, out var style); depth++)
            {
                yield return style;
                styleId = style.BasedOn?.Val?.Value;
            }
        }
    }

    /// <summary>The displayed text of a cell: shared and inline strings, booleans, errors, numbers, and dates as ISO dates.</summary>
    private sealed class CellText(WorkbookPart workbook)
    {
        /// <summary>Built-in number formats that show a date or a time.</summary>
        private static readonly HashSet<uint> DateFormats = [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58];

        private readonly List<string> _shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<Spreadsheet.SharedStringItem>()
            .Select(StringItemText).ToList() ?? [];

        private readonly List<bool> _dateStyles = DateStyles(workbook);

        public string Text(Spreadsheet.Cell cell)
        {
            var raw = cell.CellValue?.Text ?? "";
            var type = cell.DataType?.Value;
            if (type == Spreadsheet.CellValues.SharedString)
            {
                return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < _shared.Count ? _shared[index] : "";
            }

            if (type == Spreadsheet.CellValues.InlineString)
            {
                return cell.InlineString is { } inline ? StringItemText(inline) : raw;
            }

            if (type == Spreadsheet.CellValues.Boolean)
            {
                return raw == "1" ? "TRUE" : raw == "0" ? "FALSE" : raw;
            }

            if (type is null || type == Spreadsheet.CellValues.Number)
            {
                var style = (int)(cell.StyleIndex?.Value ?? 0);
                if (style < _dateStyles.Count && _dateStyles[style]
                    && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is >= 0 and < 2_958_466)
                {
                    var date = DateTime.FromOADate(serial);
                    return date.TimeOfDay == TimeSpan.Zero ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                        : serial < 1 ? date.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
                        : date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                }
            }

            return raw;
        }

        /// <summary>A string item's text: its text, else its rich-text runs; phonetic guides are left out.</summary>
        private static string StringItemText(OpenXmlElement item) =>
            item.GetFirstChild<Spreadsheet.Text>()?.Text
            ?? string.Concat(item.Elements<Spreadsheet.Run>().Select(r => r.Text?.Text ?? ""));

        /// <summary>For each cell format of the workbook, whether its number format shows a date or time.</summary>
        private static List<bool> DateStyles(WorkbookPart workbook)
        {
            var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
            if (stylesheet?.CellFormats is null)
            {
                return [];
            }

            var custom = stylesheet.NumberingFormats?.Elements<Spreadsheet.NumberingFormat>()
                .Where(f => f.NumberFormatId?.Value is not null)
                .GroupBy(f => f.NumberFormatId!.Value)
                .ToDictionary(g => g.Key, g => IsDateFormat(g.First().FormatCode?.Value)) ?? [];
            return [.. stylesheet.CellFormats.Elements<Spreadsheet.CellFormat>().Select(f =>
            {
                var id = f.NumberFormatId?.Value ?? 0;
                return custom.TryGetValue(id, out var isDate) ? isDate : DateFormats.Contains(id);
            })];
        }

        /// <summary>A custom format shows a date when, outside quoted text and [colour] sections, it has a day, year or hour code.</summary>
        private static bool IsDateFormat(string? code)
        {
            if (string.IsNullOrEmpty(code))
            {
                return false;
            }

            var quoted = false;
            var bracket = false;
            for (var i = 0; i < code.Length; i++)
            {
                var c = code[i];
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (!quoted && c == '[')
                {
                    bracket = true;
                }
                else if (bracket && c == ']')
                {
                    bracket = false;
                }
                else if (!quoted && !bracket && c == '\\')
                {
                    i++;
                }
                else if (!quoted && !bracket && char.ToLowerInvariant(c) is 'd' or 'y' or 'h')
                {
                    return true;
                }
            }

            return false;
        }
    }
}
