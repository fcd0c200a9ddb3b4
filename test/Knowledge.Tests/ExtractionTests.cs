using System.Text;
using FluidManager.Knowledge.Ingestion;

namespace FluidManager.Knowledge.Tests;

public sealed class ExtractionTests
{
    [Fact]
    public void Markdown_keeps_its_headings_and_text()
    {
        var text = TextExtractor.Extract(Encoding.UTF8.GetBytes(Samples.RefundPolicy), "text/markdown", "refunds.md");

        text.Format.Should().Be("markdown");
        text.Text.Should().StartWith("# Refund policy").And.Contain("## Exceptions").And.Contain("Gift cards are never refunded.");
    }

    [Fact]
    public void Plain_text_is_normalised_to_unix_lines_without_control_characters()
    {
        var text = TextExtractor.Extract(Encoding.UTF8.GetBytes("line one\r\nline\u0007 two  \rthree"), "text/plain", "notes.txt");

        text.Format.Should().Be("text");
        text.Text.Should().Be("line one\nline two\nthree");
    }

    [Fact]
    public void Html_is_reduced_to_readable_text_without_scripts_navigation_or_hidden_parts()
    {
        var text = TextExtractor.Extract(Encoding.UTF8.GetBytes(Samples.Html), "text/html; charset=utf-8", "guide.html").Text;

        text.Should().StartWith("# Onboarding guide");
        text.Should().Contain("New engineers get a laptop on day one. They pair with a buddy for the first week.");
        text.Should().Contain("## Accounts").And.Contain("- Source control access").And.Contain("- The staging cluster");
        text.Should().Contain("Tool | Owner").And.Contain("CI | Platform team");
        text.Should().NotContain("do-not-index").And.NotContain("color: red").And.NotContain("Home").And.NotContain("hidden text").And.NotContain("Copyright");
    }

    [Fact]
    public void Csv_becomes_one_line_per_record_named_by_the_header_with_quoted_fields_kept_whole()
    {
        var text = TextExtractor.Extract(Encoding.UTF8.GetBytes(Samples.Csv), "text/csv", "catalog.csv");

        text.LineUnits.Should().BeTrue();
        text.Text.Split('\n').Should().Equal(
            "sku: A-100; name: Blue kettle; price: 39.90; notes: Ships in 2 days, gift-wrapped",
            "sku: A-200; name: Red toaster; price: 59.00; notes: Says \"best seller\" on the box");
    }

    [Fact]
    public void Json_becomes_one_line_per_value_with_its_path()
    {
        var text = TextExtractor.Extract(Encoding.UTF8.GetBytes(Samples.Json), "application/json", "product.json");

        text.Text.Split('\n').Should().Equal(
            "product.name: Fluid CRM",
            "product.tiers[0].name: starter",
            "product.tiers[0].seats: 5",
            "product.tiers[1].name: growth",
            "product.tiers[1].seats: 50",
            "supportEmail: help@example.com");
    }

    [Fact]
    public void A_pdf_is_read_page_by_page_with_larger_type_as_headings_and_the_page_in_every_section()
    {
        var pdf = Samples.PdfPages(
            [new PdfLine("Quarterly report", 20), new PdfLine("Revenue grew by twelve percent in the third quarter."), new PdfLine("The board approved the new warehouse in Lyon.")],
            [new PdfLine("Risks", 16), new PdfLine("Shipping costs may rise when the canal closes.")]);

        var text = TextExtractor.Extract(pdf, "application/pdf", "q3.pdf");

        text.Format.Should().Be("pdf");
        text.Text.Should().Be("""
            ###### Page 1

            # Quarterly report

            ###### Page 1

            Revenue grew by twelve percent in the third quarter.
            The board approved the new warehouse in Lyon.

            ###### Page 2

            ## Risks

            ###### Page 2

            Shipping costs may rise when the canal closes.
            """);
        new Chunker(1200, 200).Split(text.Text).Select(c => (c.Heading, c.Content)).Should().Equal(
            ("Quarterly report › Page 1", "Revenue grew by twelve percent in the third quarter.\nThe board approved the new warehouse in Lyon."),
            ("Quarterly report › Risks › Page 2", "Shipping costs may rise when the canal closes."));
    }

    [Fact]
    public void An_encrypted_pdf_is_refused_naming_the_file_and_the_problem()
    {
        var act = () => TextExtractor.Extract(Samples.EncryptedPdf(), "application/pdf", "salaries.pdf");

        act.Should().Throw<DocumentFormatException>().WithMessage("'salaries.pdf' is an encrypted PDF: its text cannot be read without the password*");
    }

    [Fact]
    public void A_damaged_pdf_is_refused_naming_the_file_and_the_problem()
    {
        var pdf = Samples.Pdf("Quarterly revenue grew.");

        var act = () => TextExtractor.Extract(pdf[..(pdf.Length / 2)], "application/pdf", "half.pdf");

        act.Should().Throw<DocumentFormatException>().WithMessage("'half.pdf' is not a readable PDF: *");
    }

    [Fact]
    public void A_pdf_without_text_is_refused_as_needing_text_recognition()
    {
        var act = () => TextExtractor.Extract(Samples.PdfPages([[]]), "application/pdf", "scan.pdf");

        act.Should().Throw<DocumentFormatException>().WithMessage("'scan.pdf' has no text layer*");
    }

    [Fact]
    public void A_word_document_keeps_its_heading_styles_lists_and_table_rows()
    {
        var docx = Samples.Docx(
            "Travel policy",
            new DocxBlock.Heading("Flights"),
            new DocxBlock.Paragraph("Economy class for every flight under six hours."),
            new DocxBlock.ListItem("Book through the travel desk."),
            new DocxBlock.ListItem("Keep the boarding pass."),
            new DocxBlock.Heading("Hotel limits", 2),
            new DocxBlock.Table(["City", "Limit per night"], ["Paris", "180 euros"], ["Lyon", "120 | 140 euros"]));

        var text = TextExtractor.Extract(docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "travel.docx");

        text.Format.Should().Be("docx");
        text.Text.Should().Be("""
            # Travel policy

            # Flights

            Economy class for every flight under six hours.

            - Book through the travel desk.
            - Keep the boarding pass.
            ## Hotel limits


            | City | Limit per night |
            | Paris | 180 euros |
            | Lyon | 120 \| 140 euros |
            """);
        new Chunker(1200, 200).Split(text.Text).Select(c => c.Heading).Should().Equal("Flights", "Flights › Hotel limits");
    }

    [Fact]
    public void A_workbook_becomes_one_section_per_sheet_with_rows_of_cells_shared_strings_resolved_and_dates_as_dates()
    {
        var xlsx = Samples.Xlsx(
            ("Prices", [["sku", "name", "price"], ["A-100", "Blue kettle", 39.9], ["A-200", null, 59]]),
            ("Shipments", [["sku", "shipped"], ["A-100", new DateTime(2024, 3, 1)]]));

        var text = TextExtractor.Extract(xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "catalog.xlsx");

        text.Format.Should().Be("xlsx");
        text.LineUnits.Should().BeTrue();
        text.Text.Should().Be("""
            # Prices

            | sku | name | price |
            | A-100 | Blue kettle | 39.9 |
            | A-200 |  | 59 |

            # Shipments

            | sku | shipped |
            | A-100 | 2024-03-01 |
            """);
        new Chunker(1200, 200).Split(text.Text, text.LineUnits, text.Sections).Select(c => (c.Heading, c.Content.Split('\n').Length)).Should().Equal(
            ("Prices", 3), ("Shipments", 2));
    }

    [Theory]
    [InlineData("secret.docx", "'secret.docx' is a password-protected Word file: remove its password*")]
    [InlineData("secret.xlsx", "'secret.xlsx' is a password-protected Excel file: remove its password*")]
    public void A_password_protected_office_file_is_refused_naming_the_file_and_the_problem(string name, string message)
    {
        var act = () => TextExtractor.Extract(Samples.PasswordProtectedOfficeFile(), "application/octet-stream", name);

        act.Should().Throw<DocumentFormatException>().WithMessage(message);
    }

    [Fact]
    public void A_damaged_word_or_excel_file_is_refused_naming_the_file_and_the_problem()
    {
        var docx = Samples.Docx("Notes", new DocxBlock.Paragraph("Hello."));
        var xlsx = Samples.Xlsx(("Sheet1", [["a"]]));

        var word = () => TextExtractor.Extract(docx[..(docx.Length / 2)], "application/octet-stream", "notes.docx");
        var excel = () => TextExtractor.Extract(xlsx[..(xlsx.Length / 2)], "application/octet-stream", "book.xlsx");

        word.Should().Throw<DocumentFormatException>().WithMessage("'notes.docx' is not a readable Word document: *");
        excel.Should().Throw<DocumentFormatException>().WithMessage("'book.xlsx' is not a readable Excel workbook: *");
    }

    [Fact]
    public void Format_is_detected_from_the_extension_or_the_content_when_the_type_is_generic()
    {
        TextExtractor.DetectFormat("a,b\n1,2"u8, "application/octet-stream", "data.csv").Should().Be("csv");
        TextExtractor.DetectFormat("<!DOCTYPE html><html><body>x</body></html>"u8, "application/octet-stream", "upload").Should().Be("html");
        TextExtractor.DetectFormat("{\"a\": 1}"u8, null, "upload").Should().Be("json");
        TextExtractor.DetectFormat(Samples.Pdf("x"), "application/octet-stream", "upload").Should().Be("pdf");
        TextExtractor.DetectFormat(Samples.Docx("x"), "application/octet-stream", "upload").Should().Be("docx");
        TextExtractor.DetectFormat(Samples.Xlsx(("s", [["x"]])), null, "upload").Should().Be("xlsx");
        TextExtractor.DetectFormat("a,b\n1,2"u8, "application/vnd.ms-excel", "export.csv").Should().Be("csv", "Windows browsers send a .csv file with Excel's old media type");
    }

    [Fact]
    public void Binary_content_is_refused_with_a_message_naming_the_supported_formats()
    {
        var act = () => TextExtractor.Extract([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02], "image/png", "logo.png");

        act.Should().Throw<DocumentFormatException>().WithMessage("*text, Markdown, HTML, CSV, JSON, PDF, Word (.docx) or Excel (.xlsx)*");
    }

    [Fact]
    public void Text_that_is_not_utf8_is_read_as_latin1()
    {
        var text = TextExtractor.Extract(Encoding.Latin1.GetBytes("Fa\u00e7ade r\u00e9sum\u00e9"), "text/plain", "legacy.txt");

        text.Text.Should().Be("Fa\u00e7ade r\u00e9sum\u00e9");
    }
}
