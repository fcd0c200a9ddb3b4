using System.Text.Json;
using FluidManager.Runtime.Grains;
using Npgsql;
using NpgsqlTypes;

namespace FluidManager.Grains.Data;

/// <summary>
/// Small helpers over Npgsql: typed parameters (nulls included) and row mapping, for the grains' own
/// rows and for services with their own connection (the knowledge assembly uses them too).
/// </summary>
internal static class Db
{
    /// <summary>A command on the turn's connection and transaction.</summary>
    public static NpgsqlCommand Sql(this ITurnContext context, string sql) => new(sql, context.Connection, context.Transaction);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, long? value) => command.Add(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, int? value) => command.Add(name, NpgsqlDbType.Integer, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, bool? value) => command.Add(name, NpgsqlDbType.Boolean, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, decimal? value) => command.Add(name, NpgsqlDbType.Numeric, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, double? value) => command.Add(name, NpgsqlDbType.Double, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, string? value) => command.Add(name, NpgsqlDbType.Text, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, Guid? value) => command.Add(name, NpgsqlDbType.Uuid, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.Add(name, NpgsqlDbType.TimestampTz, value?.ToUniversalTime());

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, IReadOnlyList<string> value) =>
        command.Add(name, NpgsqlDbType.Array | NpgsqlDbType.Text, value as string[] ?? value.ToArray());

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, float[] value) => command.Add(name, NpgsqlDbType.Array | NpgsqlDbType.Real, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, long[] value) => command.Add(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, int[] value) => command.Add(name, NpgsqlDbType.Array | NpgsqlDbType.Integer, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, double[] value) => command.Add(name, NpgsqlDbType.Array | NpgsqlDbType.Double, value);

    /// <summary>An enum stored as its snake_case name, such as "awaiting_approval".</summary>
    public static NpgsqlCommand With<TEnum>(this NpgsqlCommand command, string name, TEnum? value) where TEnum : struct, Enum =>
        command.Add(name, NpgsqlDbType.Text, value is { } v ? v.ToDb() : null);

    public static NpgsqlCommand WithJson(this NpgsqlCommand command, string name, object value) =>
        command.Add(name, NpgsqlDbType.Jsonb, JsonSerializer.Serialize(value, value.GetType(), Runtime.RuntimeJson.Options));

    public static async Task<int> ExecuteAsync(this NpgsqlCommand command, CancellationToken cancellationToken = default)
    {
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task<T?> ScalarAsync<T>(this NpgsqlCommand command, CancellationToken cancellationToken = default)
    {
        await using (command)
        {
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null or DBNull ? default : (T)value;
        }
    }

    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken = default)
    {
        await using (command)
        {
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    public static async Task<T?> FirstOrDefaultAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken = default) where T : class
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? map(reader) : null;
        }
    }

    public static T Get<T>(this NpgsqlDataReader reader, string column) => reader.GetFieldValue<T>(reader.GetOrdinal(column));

    public static T? GetOrNull<T>(this NpgsqlDataReader reader, string column) where T : struct
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
    }

    public static string? GetStringOrNull(this NpgsqlDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    public static TEnum GetEnum<TEnum>(this NpgsqlDataReader reader, string column) where TEnum : struct, Enum =>
        DbEnum.Parse<TEnum>(reader.Get<string>(column));

    private static NpgsqlCommand Add(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }
}

/// <summary>Enums are stored as snake_case text, the same names the JSON contract uses.</summary>
internal static class DbEnum
{
    public static string ToDb<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static TEnum Parse<TEnum>(string text) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var value)
            ? value
            : throw new InvalidOperationException($"'{text}' is not a stored {typeof(TEnum).Name}.");
}
