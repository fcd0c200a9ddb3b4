using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace FluidManager.Knowledge.Ingestion;

/// <summary>
/// HTML reduced to readable text (AngleSharp parses it as a browser would): headings become Markdown
/// headings, paragraphs and blocks are separated by blank lines, list items become "- " lines, table
/// cells are joined by " | "; scripts, styles, navigation, forms and hidden elements are dropped.
/// </summary>
internal static partial class HtmlText
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "head",
        "nav", "footer", "aside", "form", "button", "select", "input", "textarea", "dialog", "menu",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "blockquote", "figure", "figcaption", "address", "dl", "dt", "dd",
        "ul", "ol", "table", "thead", "tbody", "tfoot", "caption", "hr", "details", "summary", "center",
    };

    public static string ToText(string html) => ToDocument(html).Text;

    /// <summary>The readable text and the page's title (from &lt;title&gt;, else the first heading).</summary>
    public static (string Text, string? Title) ToDocument(string html)
    {
        var document = new HtmlParser().ParseDocument(html ?? "");
        var writer = new Writer();
        var root = (INode?)document.Body ?? document.DocumentElement;
        if (root is not null)
        {
            Walk(root, writer, preformatted: false);
        }

        var text = writer.Finish();
        var title = document.Title is { Length: > 0 } t ? Collapse(t).Trim() : null;
        if (title is { Length: > 0 } && !text.StartsWith("# ", StringComparison.Ordinal))
        {
            text = $"# {title}\n\n{text}";
        }

        return (text, title);
    }

    private static void Walk(INode node, Writer writer, bool preformatted)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    writer.Inline(preformatted ? text.Data : Collapse(text.Data));
                    break;
                case IElement element:
                    WalkElement(element, writer, preformatted);
                    break;
            }
        }
    }

    private static void WalkElement(IElement element, Writer writer, bool preformatted)
    {
        var tag = element.LocalName;
        if (Skipped.Contains(tag) || element.HasAttribute("hidden")
            || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase)
            || (element.GetAttribute("style") ?? "").Replace(" ", "", StringComparison.Ordinal).Contains("display:none", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        switch (tag)
        {
            case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                var heading = Collapse(element.TextContent).Trim();
                if (heading.Length > 0)
                {
                    writer.Break(2);
                    writer.Raw(new string('#', tag[1] - '0') + " " + heading);
                    writer.Break(2);
                }

                return;
            case "br":
                writer.Break(1);
                return;
            case "img":
                if (element.GetAttribute("alt") is { Length: > 0 } alt)
                {
                    writer.Inline($" [{Collapse(alt).Trim()}] ");
                }

                return;
            case "li":
                writer.Break(1);
                writer.Raw("- ");
                Walk(element, writer, preformatted);
                writer.Break(1);
                return;
            case "tr":
                writer.Break(1);
                var first = true;
                foreach (var cell in element.Children.Where(c => c.LocalName is "td" or "th"))
                {
                    if (!first)
                    {
                        writer.Raw(" | ");
                    }

                    writer.Raw(Collapse(cell.TextContent).Trim());
                    first = false;
                }

                writer.Break(1);
                return;
            case "pre":
                writer.Break(2);
                Walk(element, writer, preformatted: true);
                writer.Break(2);
                return;
            case "p":
                writer.Break(2);
                Walk(element, writer, preformatted);
                writer.Break(2);
                return;
        }

        if (Blocks.Contains(tag))
        {
            writer.Break(1);
            Walk(element, writer, preformatted);
            writer.Break(1);
            return;
        }

        Walk(element, writer, preformatted);
    }

    private static string Collapse(string text) => Whitespace().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Builds lines: inline text joins with single spaces; breaks never pile up beyond a blank line.</summary>
    private sealed class Writer
    {
        private readonly StringBuilder _text = new();
        private int _pendingBreaks;

        public void Inline(string text)
        {
            if (text.Length == 0)
            {
                return;
            }

            Flush();
            _text.Append(_text.Length == 0 || _text[^1] is ' ' or '\n' ? text.TrimStart(' ') : text);
        }

        public void Raw(string text)
        {
            Flush();
            _text.Append(text);
        }

        public void Break(int lines) => _pendingBreaks = Math.Max(_pendingBreaks, lines);

        public string Finish()
        {
            var lines = _text.ToString().Split('\n').Select(l => l.TrimEnd());
            return string.Join('\n', lines).Trim('\n') + "\n";
        }

        private void Flush()
        {
            if (_pendingBreaks > 0 && _text.Length > 0)
            {
                while (_text.Length > 0 && _text[^1] == ' ')
                {
                    _text.Length--;
                }

                var have = 0;
                for (var i = _text.Length - 1; i >= 0 && _text[i] == '\n'; i--)
                {
                    have++;
                }

                _text.Append('\n', Math.Max(0, _pendingBreaks - have));
            }

            _pendingBreaks = 0;
        }
    }
}
