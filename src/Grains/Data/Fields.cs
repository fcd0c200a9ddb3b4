using FluidManager.Grains.Interfaces.Errors;

namespace FluidManager.Grains.Data;

/// <summary>Collects field errors and raises one <see cref="ValidationException"/> naming them all.</summary>
internal sealed class Fields
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public Fields Text(string field, string? value, int max, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "is required");
            }
        }
        else if (value.Length > max)
        {
            Add(field, $"must be at most {max} characters");
        }

        return this;
    }

    public Fields Check(bool ok, string field, string error)
    {
        if (!ok)
        {
            Add(field, error);
        }

        return this;
    }

    public void Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(error);
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }
}
