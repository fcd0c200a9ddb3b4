using System.Collections.Concurrent;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FluidManager.TestSupport;

/// <summary>
/// Fixtures shared by every test class of an assembly, which xunit 2 lacks (it has class and collection
/// fixtures; a collection would run its classes one after another). The first class that asks creates
/// the fixture; it is disposed when the assembly's last test has run, provided the assembly runs under
/// <see cref="SharedFixtureFramework"/>:
/// <c>[assembly: TestFramework(SharedFixtureFramework.TypeName, SharedFixtureFramework.AssemblyName)]</c>.
/// </summary>
public static class AssemblyFixture
{
    private static readonly ConcurrentDictionary<Type, Lazy<Task<IAsyncLifetime>>> Fixtures = new();

    /// <summary>The assembly's one <typeparamref name="T"/>, initialised on first use. A failed initialisation fails every class that asks.</summary>
    public static async Task<T> GetAsync<T>() where T : class, IAsyncLifetime, new()
    {
        var fixture = Fixtures.GetOrAdd(typeof(T), _ => new Lazy<Task<IAsyncLifetime>>(async () =>
        {
            var created = new T();
            try
            {
                await created.InitializeAsync();
            }
            catch
            {
                await created.DisposeAsync();
                throw;
            }

            return created;
        }));
        return (T)await fixture.Value;
    }

    internal static async Task DisposeAllAsync()
    {
        var failures = new List<Exception>();
        foreach (var fixture in Fixtures.Values.Where(f => f.IsValueCreated).Select(f => f.Value))
        {
            await ((Task)fixture).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!fixture.IsCompletedSuccessfully)
            {
                continue; // a failed initialisation disposed what it had made
            }

            try
            {
                await fixture.Result.DisposeAsync();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        Fixtures.Clear();
        if (failures.Count > 0)
        {
            throw new AggregateException("Disposing the assembly's shared fixtures failed.", failures);
        }
    }
}

/// <summary>xunit's own framework, which also disposes the <see cref="AssemblyFixture"/>s once the assembly's tests have run.</summary>
public sealed class SharedFixtureFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    public const string TypeName = "FluidManager.TestSupport.SharedFixtureFramework";
    public const string AssemblyName = "FluidManager.TestSupport";

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            await Aggregator.RunAsync(AssemblyFixture.DisposeAllAsync);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
