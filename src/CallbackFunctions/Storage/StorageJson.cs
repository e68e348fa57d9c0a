using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace CallbackFunctions.Storage;

/// <summary>JSON for state kept inside table entities, split across properties when it outgrows one (64 KiB each).</summary>
internal static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private const int ChunkChars = 30_000; // a string property holds at most 32K UTF-16 characters

    public static void Write<T>(TableEntity entity, string name, T value)
    {
        var json = JsonSerializer.Serialize(value, Options);
        var chunks = (json.Length + ChunkChars - 1) / ChunkChars;
        for (var i = 0; i < chunks; i++)
            entity[$"{name}{i}"] = json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - i * ChunkChars));
        entity[$"{name}Chunks"] = chunks;
    }

    public static T Read<T>(TableEntity entity, string name)
    {
        var chunks = entity.GetInt32($"{name}Chunks") ?? throw new InvalidDataException($"entity {entity.PartitionKey} has no {name}");
        var json = string.Concat(Enumerable.Range(0, chunks).Select(i => entity.GetString($"{name}{i}")));
        return JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"entity {entity.PartitionKey} has an empty {name}");
    }
}

/// <summary>A stored value with the ETag it was read at; writes pass it back as If-Match.</summary>
/// <param name="ModifiedAt">The row's last write as the store stamped it, where the reader asked for it.</param>
public sealed record Stored<T>(T Value, Azure.ETag ETag, DateTimeOffset? ModifiedAt = null);
