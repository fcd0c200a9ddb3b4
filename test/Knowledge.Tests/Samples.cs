using System.Globalization;
using System.Text;

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

    /// <summary>A valid one-page PDF with a standard Type 1 font, built by hand with a correct cross-reference table.</summary>
    public static byte[] Pdf(params string[] lines)
    {
        var content = new StringBuilder("BT /F1 12 Tf 72 720 Td ");
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                content.Append("0 -16 Td ");
            }

            content.Append('(').Append(lines[i].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal)).Append(") Tj ");
        }

        content.Append("ET");
        var stream = content.ToString();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            $"<< /Length {Encoding.Latin1.GetByteCount(stream)} >>\nstream\n{stream}\nendstream",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }
}
