using System.Text.Json;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Runtime.Messaging;

/// <summary>How a message row is written: the parameters of <see cref="RuntimeSql.PostMessage"/>, for turns, reminders and activity outcomes alike.</summary>
internal static class PostedMessage
{
    public static void AddParameters(NpgsqlParameterCollection parameters, string grainType, string grainKey, object message, string sender, DateTimeOffset now, DateTimeOffset dueAt)
    {
        parameters.AddWithValue("grain_type", grainType);
        parameters.AddWithValue("grain_key", grainKey);
        parameters.AddWithValue("message_type", GrainRegistry.MessageTypeName(message.GetType()));
        parameters.AddWithValue("payload", NpgsqlTypes.NpgsqlDbType.Jsonb, JsonSerializer.Serialize(message, message.GetType(), RuntimeJson.Options));
        parameters.AddWithValue("sender", sender);
        parameters.AddWithValue("now", now);
        parameters.AddWithValue("due_at", dueAt);
    }
}
