using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace FluidManager.Knowledge.Tests;

/// <summary>Documents of every supported format, small and deterministic.</summary>
public static class Samples
{
    public const string RefundPolicy = """
        # Refund policy

        Customers may ask for a refund within 30 days of their order. Refunds are paid back to the original card.

        ## Exceptions

        Gift cards are never refunded. Orders cancelled before shipping are refunded at once.

        ## Escalation

        When a customer disputes a refund, the support lead decides within two business days.
        """;

    public const string Html = """
        <!doctype html>
        <html><head><title>Onboarding guide</title><style>body { color: red }</style><script>var secret = "do-not-index";</script></head>
        <body>
          <nav><a href="/">Home</a> | <a href="/about">About</a></nav>
          <h1>Onboarding guide</h1>
          <p>New engineers get a laptop on <b>day one</b>.
             They pair with a buddy for the first week.</p>
          <h2>Accounts</h2>
          <ul><li>Source control access</li><li>The staging cluster</li></ul>
          <table><tr><th>Tool</th><th>Owner</th></tr><tr><td>CI</td><td>Platform team</td></tr></table>
          <div hidden>hidden text that must not appear</div>
          <footer>Copyright footer</footer>
        </body></html>
        """;

    public const string Csv = """
        sku,name,price,notes
        A-100,Blue kettle,39.90,"Ships in 2 days, gift-wrapped"
        A-200,Red toaster,59.00,"Says ""best seller""
        on the box"
        """;

    public const string Json = """
        {"product": {"name": "Fluid CRM", "tiers": [{"name": "starter", "seats": 5}, {"name": "growth", "seats": 50}]}, "supportEmail": "help@example.com"}
        """;

    /// <summary>A one-page PDF written by PdfPig, one line of 11 pt Helvetica per string.</summary>
    public static byte[] Pdf(params string[] lines) => PdfPages([.. lines.Select(l => new PdfLine(l))]);

    /// <summary>A PDF written by PdfPig: each page's lines from the top down in Helvetica, a line larger than 11 pt in bold.</summary>
    public static byte[] PdfPages(params PdfLine[][] pages)
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            var y = 780.0;
            foreach (var line in lines)
            {
                y -= line.Size * (line.Size > 11 ? 2.2 : 1.3);
                page.AddText(line.Text, line.Size, new PdfPoint(60, y), line.Size > 11 ? bold : regular);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// A PDF encrypted with the standard security handler (RC4, 128 bits) under a user password that is
    /// not empty: a reader without the password cannot open it. Written by hand: PdfPig writes no encryption.
    /// </summary>
    public static byte[] EncryptedPdf()
    {
        var owner = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var user = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        const string Stream = "BT /F1 12 Tf 72 720 Td (secret) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            $"<< /Length {Stream.Length} >>\nstream\n{Stream}\nendstream",
            $"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <{owner}> /U <{user}> >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    /// <summary>
    /// A Word document written by the Open XML SDK: a Title, headings in the built-in heading styles,
    /// paragraphs, list paragraphs and a table whose first row names the columns.
    /// </summary>
    public static byte[] Docx(string title, params DocxBlock[] blocks)
    {
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = new W.Styles(
                ParagraphStyle("Title", "Title", null),
                ParagraphStyle("Heading1", "heading 1", 0),
                ParagraphStyle("Heading2", "heading 2", 1),
                ParagraphStyle("ListParagraph", "List Paragraph", null));
            var body = new W.Body(Paragraph(title, "Title"));
            foreach (var block in blocks)
            {
                body.Append(block switch
                {
                    DocxBlock.Heading h => (OpenXmlElement)Paragraph(h.Text, h.Level == 1 ? "Heading1" : "Heading2"),
                    DocxBlock.ListItem l => Paragraph(l.Text, "ListParagraph"),
                    DocxBlock.Table t => new W.Table(
                        t.Rows.Select(row => (OpenXmlElement)new W.TableRow(row.Select(cell => new W.TableCell(Paragraph(cell)))))
                            .Prepend(new W.TableProperties(new W.TableBorders(new W.InsideHorizontalBorder { Val = W.BorderValues.Single })))),
                    DocxBlock.Paragraph p => Paragraph(p.Text),
                    _ => throw new ArgumentOutOfRangeException(nameof(blocks)),
                });
            }

            body.Append(new W.SectionProperties());
            main.Document = new W.Document(body);
        }

        return buffer.ToArray();

        static W.Style ParagraphStyle(string id, string name, int? outline) =>
            new(new W.StyleName { Val = name }, new W.StyleParagraphProperties(outline is null ? [] : [new W.OutlineLevel { Val = outline }]))
            {
                Type = W.StyleValues.Paragraph,
                StyleId = id,
            };

        static W.Paragraph Paragraph(string text, string? style = null)
        {
            var paragraph = new W.Paragraph();
            if (style is not null)
            {
                paragraph.Append(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
            }

            paragraph.Append(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            return paragraph;
        }
    }

    /// <summary>
    /// An Excel workbook written by the Open XML SDK, one worksheet per sheet: text cells as shared
    /// strings, numbers as numbers, dates as serial numbers in the built-in date format, null as no cell.
    /// </summary>
    public static byte[] Xlsx(params (string Name, object?[][] Rows)[] sheets)
    {
        using var buffer = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new S.Workbook();
            var strings = new List<string>();
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = new S.Stylesheet(
                new S.Fonts(new S.Font()),
                new S.Fills(new S.Fill()),
                new S.Borders(new S.Border()),
                new S.CellFormats(new S.CellFormat(), new S.CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
            var list = new S.Sheets();
            uint sheetId = 1;
            foreach (var (name, rows) in sheets)
            {
                var data = new S.SheetData();
                for (var r = 0; r < rows.Length; r++)
                {
                    var row = new S.Row { RowIndex = (uint)(r + 1) };
                    for (var c = 0; c < rows[r].Length; c++)
                    {
                        var reference = $"{(char)('A' + c)}{r + 1}";
                        switch (rows[r][c])
                        {
                            case null:
                                break;
                            case string text:
                                var index = strings.IndexOf(text);
                                if (index < 0)
                                {
                                    strings.Add(text);
                                    index = strings.Count - 1;
                                }

                                row.Append(new S.Cell { CellReference = reference, DataType = S.CellValues.SharedString, CellValue = new S.CellValue(index.ToString(CultureInfo.InvariantCulture)) });
                                break;
                            case DateTime date:
                                row.Append(new S.Cell { CellReference = reference, StyleIndex = 1, CellValue = new S.CellValue(date.ToOADate().ToString(CultureInfo.InvariantCulture)) });
                                break;
                            case var number:
                                row.Append(new S.Cell { CellReference = reference, CellValue = new S.CellValue(Convert.ToString(number, CultureInfo.InvariantCulture)!) });
                                break;
                        }
                    }

                    data.Append(row);
                }

                var part = workbook.AddNewPart<WorksheetPart>();
                part.Worksheet = new S.Worksheet(data);
                list.Append(new S.Sheet { Name = name, SheetId = sheetId++, Id = workbook.GetIdOfPart(part) });
            }

            workbook.Workbook.Append(list);
            workbook.AddNewPart<SharedStringTablePart>().SharedStringTable = new S.SharedStringTable(strings.Select(t => new S.SharedStringItem(new S.Text(t))));
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The start of a password-protected Office file: Office stores an encrypted .docx or .xlsx as an OLE
    /// compound file holding "EncryptionInfo" and "EncryptedPackage" streams; the Open XML SDK writes no encryption.
    /// </summary>
    public static byte[] PasswordProtectedOfficeFile()
    {
        var bytes = new byte[4096];
        ((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).CopyTo(bytes);
        Encoding.Unicode.GetBytes("EncryptionInfo").CopyTo(bytes, 1024);
        Encoding.Unicode.GetBytes("EncryptedPackage").CopyTo(bytes, 1152);
        RandomNumberGenerator.Fill(bytes.AsSpan(2048));
        return bytes;
    }
}

/// <summary>A line of a test PDF and its size in points.</summary>
public sealed record PdfLine(string Text, double Size = 11);

/// <summary>A block of a test Word document.</summary>
public abstract record DocxBlock
{
    public sealed record Heading(string Text, int Level = 1) : DocxBlock;

    public sealed record Paragraph(string Text) : DocxBlock;

    public sealed record ListItem(string Text) : DocxBlock;

    public sealed record Table(params string[][] Rows) : DocxBlock;
}
