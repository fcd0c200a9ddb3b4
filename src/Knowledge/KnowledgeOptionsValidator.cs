using FluidManager.Knowledge.Web;
using Microsoft.Extensions.Options;

namespace FluidManager.Knowledge;

/// <summary>Checks <see cref="KnowledgeOptions"/> at start-up; every error names the key to set.</summary>
internal sealed class KnowledgeOptionsValidator : IValidateOptions<KnowledgeOptions>
{
    private const string S = KnowledgeOptions.Section;

    public ValidateOptionsResult Validate(string? name, KnowledgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Check(bool ok, string error)
        {
            if (!ok)
            {
                errors.Add(error);
            }
        }

        var ingestion = options.Ingestion;
        Check(ingestion.MaxDocumentBytes is >= 1 and <= 1L << 30, $"'{S}:Ingestion:MaxDocumentBytes' must be between 1 and 1073741824.");
        Check(ingestion.ChunkChars is >= 200 and <= 8000, $"'{S}:Ingestion:ChunkChars' must be between 200 and 8000.");
        Check(ingestion.OverlapChars >= 0 && ingestion.OverlapChars < ingestion.ChunkChars / 2, $"'{S}:Ingestion:OverlapChars' must be at least 0 and less than half of ChunkChars.");
        Check(ingestion.EmbeddingBatch is >= 1 and <= 2048, $"'{S}:Ingestion:EmbeddingBatch' must be between 1 and 2048.");
        Check(ingestion.MaxAttempts is >= 1 and <= 20, $"'{S}:Ingestion:MaxAttempts' must be between 1 and 20.");
        Check(ingestion.Timeout >= TimeSpan.FromSeconds(1), $"'{S}:Ingestion:Timeout' must be at least 00:00:01.");

        var retrieval = options.Retrieval;
        Check(retrieval.VectorCandidates is >= 1 and <= 1000 && retrieval.TextCandidates is >= 1 and <= 1000, $"'{S}:Retrieval:VectorCandidates' and 'TextCandidates' must be between 1 and 1000.");
        Check(retrieval.RrfK is >= 1 and <= 1000, $"'{S}:Retrieval:RrfK' must be between 1 and 1000.");
        Check(retrieval.EfSearch is >= 1 and <= 1000, $"'{S}:Retrieval:EfSearch' must be between 1 and 1000.");
        Check(retrieval.MaxScanTuples >= 1, $"'{S}:Retrieval:MaxScanTuples' must be at least 1.");
        Check(retrieval.MaxResults is >= 1 and <= 100 && retrieval.DefaultResults >= 1 && retrieval.DefaultResults <= retrieval.MaxResults,
            $"'{S}:Retrieval:MaxResults' must be between 1 and 100, and DefaultResults between 1 and MaxResults.");
        Check(retrieval.SnippetChars is >= 100 and <= 20000, $"'{S}:Retrieval:SnippetChars' must be between 100 and 20000.");

        var sql = options.Sql;
        Check(sql.StatementTimeout >= TimeSpan.FromMilliseconds(10) && sql.StatementTimeout <= TimeSpan.FromMinutes(5), $"'{S}:Sql:StatementTimeout' must be between 00:00:00.010 and 00:05:00.");
        Check(sql.MaxRows is >= 1 and <= 100_000, $"'{S}:Sql:MaxRows' must be between 1 and 100000.");
        Check(sql.MaxBytes is >= 1024 and <= 64 * 1024 * 1024, $"'{S}:Sql:MaxBytes' must be between 1024 and 67108864.");
        Check(sql.MaxStatementChars is >= 10 and <= 1_000_000, $"'{S}:Sql:MaxStatementChars' must be between 10 and 1000000.");
        Check(sql.MaxParameters is >= 0 and <= 1000, $"'{S}:Sql:MaxParameters' must be between 0 and 1000.");

        var mcp = options.Mcp;
        Check(mcp.ConnectTimeout >= TimeSpan.FromMilliseconds(100), $"'{S}:Mcp:ConnectTimeout' must be at least 00:00:00.100.");
        Check(mcp.CallTimeout >= TimeSpan.FromMilliseconds(100), $"'{S}:Mcp:CallTimeout' must be at least 00:00:00.100.");
        Check(mcp.HealthInterval == TimeSpan.Zero || mcp.HealthInterval >= TimeSpan.FromSeconds(1), $"'{S}:Mcp:HealthInterval' must be zero (off) or at least 00:00:01.");
        Check(mcp.MaxResultChars is >= 100 and <= 1_000_000, $"'{S}:Mcp:MaxResultChars' must be between 100 and 1000000.");

        var web = options.Web;
        Check(web.RequestTimeout >= TimeSpan.FromMilliseconds(10), $"'{S}:Web:RequestTimeout' must be at least 00:00:00.010.");
        Check(web.ConnectTimeout >= TimeSpan.FromMilliseconds(10), $"'{S}:Web:ConnectTimeout' must be at least 00:00:00.010.");
        Check(web.MaxResponseBytes is >= 1024 and <= 256 * 1024 * 1024, $"'{S}:Web:MaxResponseBytes' must be between 1024 and 268435456.");
        Check(web.MaxUrlChars is >= 16 and <= 65536, $"'{S}:Web:MaxUrlChars' must be between 16 and 65536.");
        Check(web.MaxRedirects is >= 0 and <= 20, $"'{S}:Web:MaxRedirects' must be between 0 and 20.");
        Check(web.DailyQuota >= 0, $"'{S}:Web:DailyQuota' must be 0 or more.");
        Check(web.MaxTextChars >= 100, $"'{S}:Web:MaxTextChars' must be at least 100.");
        Check(!string.IsNullOrWhiteSpace(web.UserAgent), $"'{S}:Web:UserAgent' must not be empty.");
        foreach (var network in web.AllowedPrivateNetworks)
        {
            try
            {
                WebAddressPolicy.Parse(network.Trim());
            }
            catch (FormatException ex)
            {
                errors.Add($"'{S}:Web:AllowedPrivateNetworks': {ex.Message}");
            }
        }

        foreach (var host in web.AdditionalHosts)
        {
            Check(!string.IsNullOrWhiteSpace(host) && !host.Contains('/', StringComparison.Ordinal) && !host.Contains(':', StringComparison.Ordinal) || System.Net.IPAddress.TryParse(host, out _),
                $"'{S}:Web:AdditionalHosts': '{host}' is not a host name, *.domain or IP address.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
