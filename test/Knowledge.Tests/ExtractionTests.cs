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
    public void A_pdf_is_recognised_and_refused_with_the_reason()
    {
        var act = () => TextExtractor.Extract(Samples.Pdf("Quarterly revenue grew."), "application/octet-stream", "report");

        act.Should().Throw<DocumentFormatException>().WithMessage("PDF documents cannot be read yet*upload the document as text, Markdown or HTML.");
    }

    [Fact]
    public void Format_is_detected_from_the_extension_or_the_content_when_the_type_is_generic()
    {
        TextExtractor.DetectFormat("a,b\n1,2"u8, "application/octet-stream", "data.csv").Should().Be("csv");
        TextExtractor.DetectFormat("<!DOCTYPE html><html><body>x</body></html>"u8, "application/octet-stream", "upload").Should().Be("html");
        TextExtractor.DetectFormat("{\"a\": 1}"u8, null, "upload").Should().Be("json");
        TextExtractor.DetectFormat(Samples.Pdf("x"), "application/octet-stream", "upload").Should().Be("pdf");
    }

    [Fact]
    public void Binary_content_is_refused_with_a_message_naming_the_supported_formats()
    {
        var act = () => TextExtractor.Extract([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02], "image/png", "logo.png");

        act.Should().Throw<DocumentFormatException>().WithMessage("*text, Markdown, HTML, CSV or JSON*");
    }

    [Fact]
    public void Text_that_is_not_utf8_is_read_as_latin1()
    {
        var text = TextExtractor.Extract(Encoding.Latin1.GetBytes("Fa\u00e7ade r\u00e9sum\u00e9"), "text/plain", "legacy.txt");

        text.Text.Should().Be("Fa\u00e7ade r\u00e9sum\u00e9");
    }
}
