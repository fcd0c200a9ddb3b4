namespace FluidManager.Knowledge.Web;

/// <summary>A result of a web search.</summary>
public sealed record WebSearchHit(string Title, string Url, string Snippet);

/// <summary>
/// A web search engine behind the <c>web_search</c> tool. None is configured by default; register one
/// with <c>services.AddWebSearchProvider&lt;T&gt;()</c>, which also offers the tool to web-enabled agents.
/// </summary>
public interface IWebSearchProvider
{
    string Name { get; }

    Task<IReadOnlyList<WebSearchHit>> SearchAsync(string query, int limit, CancellationToken cancellationToken);
}
