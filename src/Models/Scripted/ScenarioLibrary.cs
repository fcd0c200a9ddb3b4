using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Scripted;

/// <summary>
/// The scenarios of <c>scripted:&lt;name&gt;</c> models: loaded on first use from
/// <c>Fluid:Models:Scripted:ScenarioPath</c> (a folder of <c>&lt;name&gt;.json</c> files, or one file), or added in
/// code with <see cref="Add"/>. One <see cref="ScriptedChatModel"/> per scenario, so its turns are shared by every caller.
/// </summary>
public sealed partial class ScenarioLibrary
{
    private const string PathKey = $"{ModelsOptions.Section}:Scripted:ScenarioPath";

    private readonly ConcurrentDictionary<string, Lazy<ScriptedChatModel>> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly string? _path;
    private readonly TimeProvider _time;

    public ScenarioLibrary(IOptions<ModelsOptions> options, IHostEnvironment? environment = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.Value.Scripted.ScenarioPath;
        _path = string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path, environment?.ContentRootPath ?? AppContext.BaseDirectory);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Adds (or replaces) a scenario under its name; the next <see cref="GetModel"/> replays it from the start.</summary>
    public ScriptedChatModel Add(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var model = new ScriptedChatModel(scenario, _time);
        _models[scenario.Name] = new Lazy<ScriptedChatModel>(model);
        return model;
    }

    /// <summary>The model replaying scenario <paramref name="name"/>; throws <see cref="ModelConfigurationException"/> when it cannot be found.</summary>
    public ScriptedChatModel GetModel(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ModelConfigurationException(PathKey, $"'{name}' is not a valid scenario name: use letters, digits, '.', '_' or '-'.");
        }

        return _models.GetOrAdd(name, n => new Lazy<ScriptedChatModel>(() => new ScriptedChatModel(Load(n), _time))).Value;
    }

    private Scenario Load(string name)
    {
        if (_path is null)
        {
            throw new ModelConfigurationException(PathKey, $"Scenario '{name}' was not added in code and no scenario folder is configured: set '{PathKey}' to a folder holding '{name}.json'.");
        }

        if (File.Exists(_path))
        {
            if (!string.Equals(Path.GetFileNameWithoutExtension(_path), name, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelConfigurationException(PathKey, $"Scenario '{name}' not found: '{PathKey}' names the single scenario file '{Path.GetFileName(_path)}'.");
            }

            return Scenario.Load(_path) with { Name = name };
        }

        var file = Path.Combine(_path, name + ".json");
        if (!File.Exists(file))
        {
            throw new ModelConfigurationException(PathKey, $"Scenario '{name}' not found: no file '{name}.json' in '{_path}' ('{PathKey}').");
        }

        return Scenario.Load(file) with { Name = name };
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")]
    private static partial Regex NamePattern();
}
