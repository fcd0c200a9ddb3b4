using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Analytics;

/// <summary>How the company's work went (key = company id): failure rate, time to done, retries, approval waits, model latency.</summary>
[Alias("fm.IAnalyticsGrain")]
public interface IAnalyticsGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<AnalyticsReportDto> GetAsync(AnalyticsQuery query);
}
